using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Pipeline.Tests.Support.Differential;

/// <summary>How a generated document is written: the same JSON value can arrive in many byte forms.</summary>
internal enum JsonStyle
{
    /// <summary>Compact; only what JSON requires is escaped (non-ASCII travels as raw UTF-8).</summary>
    Minimal,

    /// <summary>Every non-ASCII character escaped as <c>\uXXXX</c> (surrogate pairs as two escapes).</summary>
    AsciiOnly,

    /// <summary>Random escapes everywhere, property names included (<c>"\u0063ode"</c> is <c>"code"</c>), <c>\/</c>, upper- and lower-case hex.</summary>
    Mixed,

    /// <summary>Minimal escaping with random whitespace (spaces, tabs, newlines) between tokens.</summary>
    Spaced,
}

/// <summary>Writes JSON in a chosen byte form, and compares JSON values as the differential tests need.</summary>
internal static class JsonText
{
    public static string Write(JsonNode? node, JsonStyle style, Random random)
    {
        var builder = new StringBuilder();
        Write(node, style, random, builder);
        return builder.ToString();
    }

    /// <summary>A JSON string literal for <paramref name="value"/> with only the escapes JSON requires.</summary>
    public static string Quote(string value)
    {
        var builder = new StringBuilder();
        WriteString(value, JsonStyle.Minimal, null, builder);
        return builder.ToString();
    }

    /// <summary>A JSON string literal with every non-ASCII character escaped.</summary>
    public static string QuoteAscii(string value)
    {
        var builder = new StringBuilder();
        WriteString(value, JsonStyle.AsciiOnly, null, builder);
        return builder.ToString();
    }

    private static void Write(JsonNode? node, JsonStyle style, Random random, StringBuilder builder)
    {
        switch (node)
        {
            case null:
                builder.Append("null");
                break;
            case JsonObject obj:
                builder.Append('{');
                var first = true;
                foreach (var (name, value) in obj)
                {
                    if (!first)
                    {
                        builder.Append(',');
                    }

                    first = false;
                    Space(style, random, builder);
                    WriteString(name, style, random, builder);
                    Space(style, random, builder);
                    builder.Append(':');
                    Space(style, random, builder);
                    Write(value, style, random, builder);
                    Space(style, random, builder);
                }

                builder.Append('}');
                break;
            case JsonArray array:
                builder.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(',');
                    }

                    Space(style, random, builder);
                    Write(array[i], style, random, builder);
                    Space(style, random, builder);
                }

                builder.Append(']');
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                WriteString(value.GetValue<string>(), style, random, builder);
                break;
            default:
                // Numbers keep the text they were made with (decimal scale, or the raw text of a parsed element).
                builder.Append(node.ToJsonString());
                break;
        }
    }

    private static void Space(JsonStyle style, Random random, StringBuilder builder)
    {
        if (style != JsonStyle.Spaced)
        {
            return;
        }

        var count = random.Next(3);
        for (var i = 0; i < count; i++)
        {
            builder.Append(random.Next(4) switch { 0 => " ", 1 => "\n", 2 => "\t", _ => "\r\n" });
        }
    }

    private static void WriteString(string value, JsonStyle style, Random? random, StringBuilder builder)
    {
        builder.Append('"');
        var escapeLowSurrogate = false;
        foreach (var c in value)
        {
            // The two halves of a surrogate pair are escaped together or not at all.
            var escapeAnyway = char.IsLowSurrogate(c) ? escapeLowSurrogate : style == JsonStyle.Mixed && random!.Next(4) == 0;
            escapeLowSurrogate = char.IsHighSurrogate(c) && escapeAnyway;
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    continue;
                case '\\':
                    builder.Append("\\\\");
                    continue;
                case '/' when escapeAnyway:
                    builder.Append("\\/");
                    continue;
                case '\n' when !escapeAnyway:
                    builder.Append("\\n");
                    continue;
                case '\t' when !escapeAnyway:
                    builder.Append("\\t");
                    continue;
                case '\r' when !escapeAnyway:
                    builder.Append("\\r");
                    continue;
                case '\b' when !escapeAnyway:
                    builder.Append("\\b");
                    continue;
                case '\f' when !escapeAnyway:
                    builder.Append("\\f");
                    continue;
            }

            if (c < 0x20 || escapeAnyway || (style == JsonStyle.AsciiOnly && c > 0x7E))
            {
                var hex = ((int)c).ToString(random is not null && random.Next(2) == 0 ? "x4" : "X4", CultureInfo.InvariantCulture);
                builder.Append("\\u").Append(hex);
            }
            else
            {
                builder.Append(c);
            }
        }

        builder.Append('"');
    }

    /// <summary>
    /// JSON equality as the envelope comparison needs it: same kinds, numbers by their exact text (a parser must not
    /// rewrite <c>1.0</c> as <c>1</c>), strings by value (escaping is free), objects by member names in any order
    /// (duplicates are compared in order), arrays in order.
    /// </summary>
    public static bool SameJson(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind)
        {
            return false;
        }

        switch (a.ValueKind)
        {
            case JsonValueKind.Object:
                var left = a.EnumerateObject().Select(p => (Name: NameKey(p), p.Value)).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
                var right = b.EnumerateObject().Select(p => (Name: NameKey(p), p.Value)).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
                return left.Count == right.Count
                    && left.Zip(right).All(p => p.First.Name == p.Second.Name && SameJson(p.First.Value, p.Second.Value));
            case JsonValueKind.Array:
                return a.GetArrayLength() == b.GetArrayLength() && a.EnumerateArray().Zip(b.EnumerateArray()).All(p => SameJson(p.First, p.Second));
            case JsonValueKind.String:
                return SameString(a, b);
            case JsonValueKind.Number:
                return a.GetRawText() == b.GetRawText();
            default:
                return true;
        }
    }

    /// <summary>A member name by value; a name with a lone surrogate escape (no .NET string) by its raw text.</summary>
    private static string NameKey(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return "\uFFFF(raw)" + Encoding.UTF8.GetString(JsonMarshal.GetRawUtf8PropertyName(property));
        }
    }

    private static bool SameString(JsonElement a, JsonElement b)
    {
        try
        {
            return a.GetString() == b.GetString();
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape cannot become a .NET string; then the raw text must agree.
            return a.GetRawText() == b.GetRawText();
        }
    }

    /// <summary>JSON Schema equality: numbers by mathematical value, objects as maps, arrays in order.</summary>
    public static bool SpecEqual(JsonNode? a, JsonNode? b)
    {
        var kindA = a?.GetValueKind() ?? JsonValueKind.Null;
        var kindB = b?.GetValueKind() ?? JsonValueKind.Null;
        if (kindA is JsonValueKind.True or JsonValueKind.False || kindB is JsonValueKind.True or JsonValueKind.False)
        {
            return kindA == kindB;
        }

        if (kindA != kindB)
        {
            return false;
        }

        return kindA switch
        {
            JsonValueKind.Null => true,
            JsonValueKind.String => a!.GetValue<string>() == b!.GetValue<string>(),
            JsonValueKind.Number => NumberValue(a!) == NumberValue(b!),
            JsonValueKind.Array => a!.AsArray().Count == b!.AsArray().Count && a.AsArray().Zip(b.AsArray()).All(p => SpecEqual(p.First, p.Second)),
            JsonValueKind.Object => a!.AsObject().Count == b!.AsObject().Count
                && a.AsObject().All(p => b.AsObject().TryGetPropertyValue(p.Key, out var other) && SpecEqual(p.Value, other)),
            _ => false,
        };
    }

    public static decimal NumberValue(JsonNode number)
    {
        var text = number.ToJsonString();
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidOperationException($"The generator compared a number beyond decimal range: {text}.");
    }

    /// <summary>
    /// The text of a value with object members sorted and numbers kept as written: two containers that are equal as
    /// JSON Schema values but differ here are told apart by JsonSchema.Net 8.0.5's uniqueItems (it hashes nested
    /// numbers by their text).
    /// </summary>
    public static string CanonicalRaw(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject obj => "{" + string.Join(",", obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Quote(p.Key) + ":" + CanonicalRaw(p.Value))) + "}",
        JsonArray array => "[" + string.Join(",", array.Select(CanonicalRaw)) + "]",
        _ => node.ToJsonString(),
    };

    /// <summary>A body as printable text for a failure message: invalid UTF-8 and control characters shown as escapes.</summary>
    public static string Printable(ReadOnlySpan<byte> body, int max = 1500)
    {
        var builder = new StringBuilder();
        var text = Encoding.UTF8.GetString(body);
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            builder.Append("[not UTF-8: ").Append(Convert.ToHexString(body.Length > 200 ? body[..200] : body)).Append("] ");
        }

        foreach (var c in text)
        {
            if (builder.Length >= max)
            {
                builder.Append("…(").Append(text.Length).Append(" chars)");
                break;
            }

            if (c < 0x20 || c == 0x7F || c == '\uFFFD' || c == '\uFEFF')
            {
                builder.Append("<U+").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)).Append('>');
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
