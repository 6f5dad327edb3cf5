using System.Buffers;
using System.Text.Json;

namespace Serverless.Pipeline.Validation;

/// <summary>The assertions on one value: its type, a string's length, pattern and format, a number's bounds, enum and const.</summary>
internal ref partial struct SchemaWalk
{
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
}
