using System.Globalization;
using System.Text.Json;
using Serverless.Pipeline.Events;

namespace Serverless.Pipeline.Validation;

/// <summary>
/// One forward read of an event's data with <see cref="Utf8JsonReader"/>: every assertion of the compiled schema is
/// checked at the token it applies to, duplicate property names are refused (I-JSON), and, when writers are given, the
/// data is written out at the same time: subtrees without rules as raw byte copies, fields with rules through an
/// <see cref="IFieldWriter"/>. No tree is built; paths are kept as offsets and only turned into text for a violation.
/// </summary>
internal ref partial struct SchemaWalk
{
    /// <summary>Past this many violations an event is rejected without looking further: the list stays bounded.</summary>
    public const int MaxViolations = 100;

    private readonly ReadOnlySpan<byte> _data;
    private readonly List<Violation> _violations;
    private readonly Utf8JsonWriter? _stored;
    private readonly Utf8JsonWriter? _pseudonymized;
    private readonly IFieldWriter? _fields;
    // Reused per thread, not pooled: a shared pool's locks and trimming cost more than the walk itself.
    [ThreadStatic]
    private static Scratch? _threadScratch;

    private readonly Scratch _scratch;
    private PathSegment[] _path;
    private int _depth;
    private NameRef[] _names;
    private int _nameCount;
    private int _mostNames;

    private SchemaWalk(ReadOnlySpan<byte> data, List<Violation> violations, Utf8JsonWriter? stored, Utf8JsonWriter? pseudonymized, IFieldWriter? fields)
    {
        _data = data;
        _violations = violations;
        _stored = stored;
        _pseudonymized = pseudonymized;
        _fields = fields;
        _scratch = _threadScratch ?? new Scratch();
        _threadScratch = null;
        _path = _scratch.Path;
        _names = _scratch.Names;
    }

    /// <summary>Checks <paramref name="data"/> against <paramref name="root"/>, adding every violation found.</summary>
    /// <exception cref="JsonException">The data is not one well-formed JSON value, or an object repeats a name.</exception>
    public static void Run(ReadOnlySpan<byte> data, SchemaNode root, List<Violation> violations, Utf8JsonWriter? stored = null, Utf8JsonWriter? pseudonymized = null, IFieldWriter? fields = null)
    {
        var walk = new SchemaWalk(data, violations, stored, pseudonymized, fields);
        try
        {
            var reader = new Utf8JsonReader(data, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
            if (!reader.Read())
            {
                throw new JsonException("The data is empty.");
            }

            walk.Visit(ref reader, root, stored is not null);
            if (reader.Read())
            {
                throw new JsonException("The data has content after its value.");
            }
        }
        finally
        {
            walk.Release();
        }
    }

    private readonly void Release()
    {
        // Names may hold text from the data: none stays behind.
        Array.Clear(_names, 0, _mostNames);
        _scratch.Path = _path;
        _scratch.Names = _names;
        _threadScratch = _scratch;
    }

    private void Visit(ref Utf8JsonReader reader, SchemaNode? node, bool emit)
    {
        var start = (int)reader.TokenStartIndex;
        var token = reader.TokenType;
        if (emit && node?.Rule is not null)
        {
            Visit(ref reader, node, emit: false);
            if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                _fields!.WriteComposite(node, _data[start..(int)reader.BytesConsumed], _stored!, _pseudonymized!);
            }
            else
            {
                _fields!.WriteScalar(ref reader, node, _data[start..(int)reader.BytesConsumed], _stored!, _pseudonymized!);
            }

            return;
        }

        if (emit && (node is null || !node.HasRulesBelow))
        {
            Visit(ref reader, node, emit: false);
            var raw = _data[start..(int)reader.BytesConsumed];
            _stored!.WriteRawValue(raw, skipInputValidation: true);
            _pseudonymized!.WriteRawValue(raw, skipInputValidation: true);
            return;
        }

        if (node is { RejectsAll: true })
        {
            Add("false", "No value is allowed here.");
        }

        var kind = KindOf(ref reader, node);
        if (node is not null && (node.Types & kind) == 0)
        {
            Add("type", string.Create(CultureInfo.InvariantCulture, $"Expected {Describe(node.Types)}, got {Describe(kind)}."));
        }

        switch (token)
        {
            case JsonTokenType.StartObject:
                VisitObject(ref reader, node, emit);
                break;
            case JsonTokenType.StartArray:
                VisitArray(ref reader, node, emit);
                break;
            default:
                if (node is not null)
                {
                    CheckScalar(ref reader, node, token);
                }

                if (emit)
                {
                    var raw = _data[start..(int)reader.BytesConsumed];
                    _stored!.WriteRawValue(raw, skipInputValidation: true);
                    _pseudonymized!.WriteRawValue(raw, skipInputValidation: true);
                }

                break;
        }

        if (node is { Enum: not null, EnumOnlyStrings: true } && !(token == JsonTokenType.String && EnumStringMatches(ref reader, node)))
        {
            Add("enum", "The value is not one of the allowed values.");
        }

        if (node is not null && node.NeedsValue)
        {
            CheckValue(node, token, _data[start..(int)reader.BytesConsumed]);
        }
    }

    private void VisitObject(ref Utf8JsonReader reader, SchemaNode? node, bool emit)
    {
        if (emit)
        {
            _stored!.WriteStartObject();
            _pseudonymized!.WriteStartObject();
        }

        var namesStart = _nameCount;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = CaptureName(ref reader, namesStart);
            var child = node?.PropertyNode(ref reader);
            if (emit)
            {
                WriteName(ref reader, name);
            }

            Push(new PathSegment(-1, name));
            if (child is null && node is not null)
            {
                if (!node.AdditionalAllowed)
                {
                    Add("additionalProperties", $"Property '{NameText(name)}' is not allowed by the schema.");
                }

                child = node.AdditionalSchema;
            }

            reader.Read();
            Visit(ref reader, child, emit);
            _depth--;
        }

        if (node is not null)
        {
            CheckObject(node, namesStart);
        }

        _nameCount = namesStart;
        if (emit)
        {
            _stored!.WriteEndObject();
            _pseudonymized!.WriteEndObject();
        }
    }

    private void CheckObject(SchemaNode node, int namesStart)
    {
        var count = _nameCount - namesStart;
        for (var r = 0; r < node.RequiredUtf8.Count; r++)
        {
            if (!HasName(node.RequiredUtf8[r], namesStart))
            {
                Push(new PathSegment(-1, new NameRef(0, 0, node.Required[r])));
                Add("required", $"Property '{node.Required[r]}' is required.");
                _depth--;
            }
        }

        if (count < node.MinProperties)
        {
            Add("minProperties", $"The object has {count} properties; at least {node.MinProperties} are required.");
        }

        if (count > node.MaxProperties)
        {
            Add("maxProperties", $"The object has {count} properties; at most {node.MaxProperties} are allowed.");
        }
    }

    private void VisitArray(ref Utf8JsonReader reader, SchemaNode? node, bool emit)
    {
        if (emit)
        {
            _stored!.WriteStartArray();
            _pseudonymized!.WriteStartArray();
        }

        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            Push(new PathSegment(count, default));
            Visit(ref reader, node?.Items, emit);
            _depth--;
            count++;
        }

        if (node is not null)
        {
            if (count < node.MinItems)
            {
                Add("minItems", $"The array has {count} items; at least {node.MinItems} are required.");
            }

            if (count > node.MaxItems)
            {
                Add("maxItems", $"The array has {count} items; at most {node.MaxItems} are allowed.");
            }
        }

        if (emit)
        {
            _stored!.WriteEndArray();
            _pseudonymized!.WriteEndArray();
        }
    }

    private sealed class Scratch
    {
        public PathSegment[] Path { get; set; } = new PathSegment[16];
        public NameRef[] Names { get; set; } = new NameRef[32];
    }
}
