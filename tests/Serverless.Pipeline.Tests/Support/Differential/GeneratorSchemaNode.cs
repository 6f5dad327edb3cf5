using System.Text.Json;

namespace Serverless.Pipeline.Tests.Support.Differential;

/// <summary>A read-only view of one draft-07 (sub)schema for the generators: the keywords the compiled plan supports.</summary>
internal sealed class GeneratorSchemaNode(JsonElement element)
{
    public JsonElement Element { get; } = element;

    public JsonElement? Get(string keyword) =>
        Element.ValueKind == JsonValueKind.Object && Element.TryGetProperty(keyword, out var value) ? value : null;

    public bool Has(string keyword) => Get(keyword) is not null;

    /// <summary>The allowed types, or null when the schema has no <c>type</c>.</summary>
    public IReadOnlyList<string>? Types => Get("type") switch
    {
        { ValueKind: JsonValueKind.String } single => [single.GetString()!],
        { ValueKind: JsonValueKind.Array } many => many.EnumerateArray().Select(t => t.GetString()!).ToList(),
        _ => null,
    };

    /// <summary>Whether a value of <paramref name="type"/> passes <c>type</c> ("integer" passes "number").</summary>
    public bool Allows(string type) =>
        Types is not { } types || types.Contains(type) || (type == "integer" && types.Contains("number"));

    public IEnumerable<(string Name, GeneratorSchemaNode Schema)> Properties =>
        Get("properties") is { ValueKind: JsonValueKind.Object } properties
            ? properties.EnumerateObject().Select(p => (p.Name, new GeneratorSchemaNode(p.Value)))
            : [];

    public IReadOnlyList<string> Required =>
        Get("required") is { ValueKind: JsonValueKind.Array } required ? required.EnumerateArray().Select(r => r.GetString()!).ToList() : [];

    public bool ForbidsAdditional => Get("additionalProperties") is { ValueKind: JsonValueKind.False };

    public GeneratorSchemaNode? AdditionalSchema =>
        Get("additionalProperties") is { ValueKind: JsonValueKind.Object } additional ? new GeneratorSchemaNode(additional) : null;

    public GeneratorSchemaNode? Items => Get("items") is { ValueKind: JsonValueKind.Object } items ? new GeneratorSchemaNode(items) : null;

    /// <summary>The schema a member of an object instance is checked against, or null when nothing checks it.</summary>
    public GeneratorSchemaNode? Child(string name) =>
        Get("properties") is { ValueKind: JsonValueKind.Object } properties && properties.TryGetProperty(name, out var declared)
            ? new GeneratorSchemaNode(declared)
            : AdditionalSchema;

    public bool Declares(string name) =>
        Get("properties") is { ValueKind: JsonValueKind.Object } properties && properties.TryGetProperty(name, out _);

    public decimal? Number(string keyword) => Get(keyword) is { ValueKind: JsonValueKind.Number } n ? n.GetDecimal() : null;

    public int? Count(string keyword) => Get(keyword) is { ValueKind: JsonValueKind.Number } n ? n.GetInt32() : null;

    public string? Text(string keyword) => Get(keyword) is { ValueKind: JsonValueKind.String } s ? s.GetString() : null;

    public bool Flag(string keyword) => Get(keyword) is { ValueKind: JsonValueKind.True };

    /// <summary>Every keyword this schema and its subschemas use (what "the corpus covers every keyword" is measured against).</summary>
    public IEnumerable<string> KeywordsDeep()
    {
        if (Element.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        foreach (var property in Element.EnumerateObject())
        {
            yield return property.Name;
        }

        foreach (var (_, schema) in Properties)
        {
            foreach (var keyword in schema.KeywordsDeep())
            {
                yield return keyword;
            }
        }

        foreach (var sub in new[] { AdditionalSchema, Items })
        {
            foreach (var keyword in sub?.KeywordsDeep() ?? [])
            {
                yield return keyword;
            }
        }
    }

    public override string ToString()
    {
        var raw = Element.GetRawText();
        return raw.Length > 80 ? raw[..80] + "…" : raw;
    }
}
