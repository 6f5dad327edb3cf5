using System.Text;
using System.Text.Json;

namespace Serverless.Pipeline.Events;

/// <summary>The attributes the envelope reader knows by name, and what it keeps of one envelope while reading it.</summary>
internal static partial class EnvelopeReader
{
    private static Attribute Known(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < AttributeUtf8.Length; i++)
        {
            if (reader.ValueTextEquals(AttributeUtf8[i]))
            {
                return (Attribute)i;
            }
        }

        return Attribute.Extension;
    }

    private static Attribute KnownName(string name)
    {
        var index = Array.IndexOf(AttributeNames, name);
        return index < 0 ? Attribute.Extension : (Attribute)index;
    }

    // The context attributes, data, and the pipeline's own extensions, which are recognized without a string.
    private static readonly string[] AttributeNames = ["specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema", "data", "data_base64", "tenant", "traceparent"];

    private static readonly byte[][] AttributeUtf8 = [.. AttributeNames.Select(Encoding.UTF8.GetBytes)];

    private enum Attribute
    {
        SpecVersion,
        Id,
        Source,
        Type,
        Subject,
        Time,
        DataContentType,
        DataSchema,
        Data,
        DataBase64,
        Tenant,
        TraceParent,
        Extension,
    }

    private struct Fields
    {
        public int Seen;
        public HashSet<string>? Extensions;
        public string? SpecVersion;
        public string? Id;
        public string? Source;
        public string? Type;
        public string? Subject;
        public DateTimeOffset? Time;
        public string? DataContentType;
        public string? DataSchema;
        public string? Tenant;
        public string? TraceParent;
        public JsonTokenType DataToken;
        public int DataStart;
        public int DataEnd;
        public bool HasDataBase64;
    }
}
