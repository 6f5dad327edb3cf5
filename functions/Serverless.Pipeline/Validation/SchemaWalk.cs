using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Serverless.Pipeline.Events;

namespace Serverless.Pipeline.Validation;

/// <summary>
/// One forward read of an event's data with <see cref="Utf8JsonReader"/>: every assertion of the compiled schema is
/// checked at the token it applies to, duplicate property names are refused (I-JSON), and, when writers are given, the
/// data is written out at the same time: subtrees without rules as raw byte copies, fields with rules through an
/// <see cref="IFieldWriter"/>. No tree is built; paths are kept as offsets and only turned into text for a violation.
/// </summary>
internal ref struct SchemaWalk
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

    private void CheckScalar(ref Utf8JsonReader reader, SchemaNode node, JsonTokenType token)
    {
        if (token == JsonTokenType.String)
        {
            CheckString(ref reader, node);
        }
        else if (token == JsonTokenType.Number && (node.Minimum ?? node.Maximum ?? node.ExclusiveMinimum ?? node.ExclusiveMaximum ?? node.MultipleOf) is not null)
        {
            CheckNumber(JsonNumber.Read(ref reader), node);
        }
    }

    private void CheckString(ref Utf8JsonReader reader, SchemaNode node)
    {
        if (node.MinLength is null && node.MaxLength is null && node.Pattern is null && node.Format is null)
        {
            return;
        }

        var raw = reader.ValueSpan;
        char[]? rented = null;
        Span<char> buffer = raw.Length <= 256 ? stackalloc char[256] : (rented = ArrayPool<char>.Shared.Rent(raw.Length));
        try
        {
            var text = buffer[..reader.CopyString(buffer)];
            if (node.MinLength is not null || node.MaxLength is not null)
            {
                var length = reader.ValueIsEscaped ? CodePoints(text) : CodePoints(raw);
                if (length < node.MinLength)
                {
                    Add("minLength", $"The text has {length} characters; at least {node.MinLength} are required.");
                }

                if (length > node.MaxLength)
                {
                    Add("maxLength", $"The text has {length} characters; at most {node.MaxLength} are allowed.");
                }
            }

            if (node.Pattern is not null || node.Format is not null)
            {
                var textValue = text.ToString();
                var verdict = node.TextVerdicts?.Get(textValue) ?? SchemaNode.CheckText(node.Pattern, node.Format, textValue);
                if ((verdict & TextVerdict.PatternFails) != 0)
                {
                    Add("pattern", $"The text does not match the pattern '{node.Pattern}'.");
                }

                if ((verdict & TextVerdict.FormatFails) != 0)
                {
                    Add("format", $"The text is not a valid '{node.Format}'.");
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private void CheckNumber(JsonNumber value, SchemaNode node)
    {
        if (node.Minimum is { } minimum && value.CompareTo(minimum) < 0)
        {
            Add("minimum", $"The value must be at least {minimum}.");
        }

        if (node.Maximum is { } maximum && value.CompareTo(maximum) > 0)
        {
            Add("maximum", $"The value must be at most {maximum}.");
        }

        if (node.ExclusiveMinimum is { } exclusiveMinimum && value.CompareTo(exclusiveMinimum) <= 0)
        {
            Add("exclusiveMinimum", $"The value must be greater than {exclusiveMinimum}.");
        }

        if (node.ExclusiveMaximum is { } exclusiveMaximum && value.CompareTo(exclusiveMaximum) >= 0)
        {
            Add("exclusiveMaximum", $"The value must be less than {exclusiveMaximum}.");
        }

        if (node.MultipleOf is { } multipleOf && !value.IsMultipleOf(multipleOf))
        {
            Add("multipleOf", $"The value must be a multiple of {multipleOf}.");
        }
    }

    // enum (of other than strings), const and uniqueItems compare whole values: the value is parsed on its own for them.
    private void CheckValue(SchemaNode node, JsonTokenType token, ReadOnlySpan<byte> raw)
    {
        using var document = JsonDocument.Parse(raw.ToArray());
        var value = document.RootElement;
        if (node.Enum is { } allowed && !node.EnumOnlyStrings && !allowed.Any(a => JsonElement.DeepEquals(a, value)))
        {
            Add("enum", "The value is not one of the allowed values.");
        }

        if (node.Const is { } expected && !JsonElement.DeepEquals(expected, value))
        {
            Add("const", "The value is not the one the schema requires.");
        }

        if (node.UniqueItems && token == JsonTokenType.StartArray && HasDuplicateItems(value))
        {
            Add("uniqueItems", "The array's items must be unique.");
        }
    }

    private static bool EnumStringMatches(ref Utf8JsonReader reader, SchemaNode node)
    {
        foreach (var allowed in node.EnumStrings)
        {
            if (reader.ValueTextEquals(allowed))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasDuplicateItems(JsonElement array)
    {
        var items = array.EnumerateArray().ToList();
        for (var i = 0; i < items.Count; i++)
        {
            for (var j = i + 1; j < items.Count; j++)
            {
                if (JsonElement.DeepEquals(items[i], items[j]))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static JsonTypes KindOf(ref Utf8JsonReader reader, SchemaNode? node) => reader.TokenType switch
    {
        JsonTokenType.StartObject => JsonTypes.Object,
        JsonTokenType.StartArray => JsonTypes.Array,
        JsonTokenType.String => JsonTypes.String,
        JsonTokenType.True or JsonTokenType.False => JsonTypes.Boolean,
        JsonTokenType.Null => JsonTypes.Null,
        // Whether a number is an integer matters only when the schema tells the two apart.
        JsonTokenType.Number when node is null || (node.Types & JsonTypes.Number) != 0 || (node.Types & JsonTypes.Integer) == 0 => JsonTypes.Number,
        JsonTokenType.Number => IsInteger(ref reader) ? JsonTypes.Integer : JsonTypes.Number,
        _ => throw new JsonException("Unexpected token " + reader.TokenType + "."),
    };

    // As JsonSchema.Net 8.0.5 decides it: a 64-bit integer as written, or a finite double with no fraction (1.0, 1e2).
    private static bool IsInteger(ref Utf8JsonReader reader) =>
        reader.TryGetInt64(out _) || (reader.TryGetDouble(out var value) && value == Math.Truncate(value));

    private static string Describe(JsonTypes types)
    {
        var names = new List<string>(2);
        foreach (var (flag, name) in TypeNames)
        {
            if ((types & flag) != 0 && !(flag == JsonTypes.Integer && (types & JsonTypes.Number) != 0))
            {
                names.Add(name);
            }
        }

        return string.Join(" or ", names);
    }

    private static readonly (JsonTypes Flag, string Name)[] TypeNames =
    [
        (JsonTypes.Object, "object"), (JsonTypes.Array, "array"), (JsonTypes.String, "string"), (JsonTypes.Number, "number"),
        (JsonTypes.Integer, "integer"), (JsonTypes.Boolean, "boolean"), (JsonTypes.Null, "null"),
    ];

    // JSON Schema counts a string's length in Unicode code points: in UTF-8, every byte that does not continue one.
    private static int CodePoints(ReadOnlySpan<byte> utf8) => utf8.Length - CountContinuationBytes(utf8);

    private static int CountContinuationBytes(ReadOnlySpan<byte> utf8)
    {
        var count = 0;
        foreach (var b in utf8)
        {
            if ((b & 0xC0) == 0x80)
            {
                count++;
            }
        }

        return count;
    }

    // Decoded text: a surrogate pair is one code point; a lone surrogate (escaped as \ud800) counts as one too.
    private static int CodePoints(ReadOnlySpan<char> text)
    {
        var count = text.Length;
        for (var i = 1; i < text.Length; i++)
        {
            if (char.IsLowSurrogate(text[i]) && char.IsHighSurrogate(text[i - 1]))
            {
                count--;
                i++;
            }
        }

        return count;
    }

    private NameRef CaptureName(ref Utf8JsonReader reader, int namesStart)
    {
        var name = reader.ValueIsEscaped
            ? new NameRef(0, 0, reader.GetString())
            : new NameRef((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, null);
        for (var i = namesStart; i < _nameCount; i++)
        {
            if (SameName(_names[i], name))
            {
                Push(new PathSegment(-1, name));
                var path = PathText();
                _depth--;
                throw new JsonException($"The data repeats the property name at {path}: a JSON object's names must be unique.");
            }
        }

        if (_nameCount == _names.Length)
        {
            Grow(ref _names);
        }

        _names[_nameCount++] = name;
        _mostNames = Math.Max(_mostNames, _nameCount);
        return name;
    }

    private readonly bool SameName(NameRef a, NameRef b) =>
        a.Text is null && b.Text is null
            ? _data.Slice(a.Start, a.Length).SequenceEqual(_data.Slice(b.Start, b.Length))
            : string.Equals(NameText(a), NameText(b), StringComparison.Ordinal);

    private readonly bool HasName(byte[] utf8, int namesStart)
    {
        for (var i = namesStart; i < _nameCount; i++)
        {
            var name = _names[i];
            if (name.Text is null ? _data.Slice(name.Start, name.Length).SequenceEqual(utf8) : Encoding.UTF8.GetBytes(name.Text).AsSpan().SequenceEqual(utf8))
            {
                return true;
            }
        }

        return false;
    }

    private readonly void WriteName(ref Utf8JsonReader reader, NameRef name)
    {
        if (name.Text is { } text)
        {
            _stored!.WritePropertyName(text);
            _pseudonymized!.WritePropertyName(text);
        }
        else
        {
            _stored!.WritePropertyName(reader.ValueSpan);
            _pseudonymized!.WritePropertyName(reader.ValueSpan);
        }
    }

    private readonly string NameText(NameRef name) => name.Text ?? Encoding.UTF8.GetString(_data.Slice(name.Start, name.Length));

    private void Push(PathSegment segment)
    {
        if (_depth == _path.Length)
        {
            Grow(ref _path);
        }

        _path[_depth++] = segment;
    }

    private void Add(string keyword, string message)
    {
        if (_violations.Count >= MaxViolations)
        {
            return;
        }

        _violations.Add(new Violation(PathText(), keyword, message));
    }

    private readonly string PathText()
    {
        var path = JsonPathText.DataRoot;
        for (var i = 0; i < _depth; i++)
        {
            var segment = _path[i];
            path = segment.Index >= 0 ? JsonPathText.Item(path, segment.Index) : JsonPathText.Property(path, NameText(segment.Name));
        }

        return path;
    }

    private static void Grow<T>(ref T[] array) => Array.Resize(ref array, array.Length * 2);

    private sealed class Scratch
    {
        public PathSegment[] Path { get; set; } = new PathSegment[16];
        public NameRef[] Names { get; set; } = new NameRef[32];
    }

    /// <summary>A property name in the data: its offset and length when unescaped, its text when escaped (or not from the data).</summary>
    private readonly record struct NameRef(int Start, int Length, string? Text);

    /// <summary>One step of the path: an array index, or (index -1) a property name.</summary>
    private readonly record struct PathSegment(int Index, NameRef Name);
}
