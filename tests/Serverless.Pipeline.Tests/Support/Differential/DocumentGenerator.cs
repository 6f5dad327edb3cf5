using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Serverless.Pipeline.Tests.Support.Differential;

/// <summary>
/// Builds documents that satisfy a schema (valid by construction), from a seeded <see cref="Random"/>: the same seed
/// gives the same documents. Records which keywords each document exercised.
/// </summary>
internal sealed class DocumentGenerator(Random random)
{
    /// <summary>Names for members no schema declares: plain, and ones that need the bracketed path form.</summary>
    public static readonly string[] ExtraNames =
    [
        "extra", "x_1", "$dollar", "_under", "a-b", "camelCase", "a b", "it's", "back\\slash", "0", "12", "",
        "\u00FCn\u00EF", "a.b", "a[0]", "q'uote\"", "new\nline", "\U0001F600", "-lead", "1abc",
    ];

    private const string Letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    // Code points for random strings. No combining marks, no CR (CR LF is one grapheme), no flags or modifiers: here
    // code points and grapheme clusters count the same, so JsonSchema.Net's grapheme counting cannot tell (see
    // KnownOracleDeviations). The supplementary ones are single code points written as surrogate pairs.
    private static readonly string[] Pool =
    [
        " ", "'", "\"", "\\", "/", "-", "_", ".", "@", "\u00E9", "\u00DF", "\u4E2D", "\u03A9", "\u0436", "\u00A0",
        "\U0001F600", "\U0001D49C", "\U00010348", "\t", "\n", "\u0001",
    ];

    public HashSet<string> Exercised { get; } = new(StringComparer.Ordinal);

    public Random Random => random;

    public JsonNode? Value(GeneratorSchemaNode schema, int depth = 0)
    {
        if (schema.Get("const") is { } constant)
        {
            Exercised.Add("const");
            return JsonNode.Parse(constant.GetRawText());
        }

        if (schema.Get("enum") is { } options)
        {
            Exercised.Add("enum");
            var members = options.EnumerateArray().ToList();
            return JsonNode.Parse(members[random.Next(members.Count)].GetRawText());
        }

        var type = ChooseType(schema);
        if (schema.Types is not null)
        {
            Exercised.Add("type");
        }

        return type switch
        {
            "string" => JsonValue.Create(String(schema)),
            "integer" => Integer(schema),
            "number" => Number(schema),
            "boolean" => JsonValue.Create(random.Next(2) == 0),
            "null" => null,
            "object" => Object(schema, depth),
            "array" => Array(schema, depth),
            _ => throw new InvalidOperationException($"Unknown type '{type}'."),
        };
    }

    private string ChooseType(GeneratorSchemaNode schema)
    {
        if (schema.Types is { } types)
        {
            return types[random.Next(types.Count)];
        }

        if (schema.Has("properties") || schema.Has("required") || schema.Has("additionalProperties") || schema.Has("minProperties"))
        {
            return "object";
        }

        if (schema.Has("items") || schema.Has("minItems") || schema.Has("maxItems") || schema.Has("uniqueItems"))
        {
            return "array";
        }

        if (schema.Has("format") && !schema.Has("pattern") && !schema.Has("minLength") && !schema.Has("maxLength") && random.Next(5) == 0)
        {
            // A format without a type: other types pass it untouched.
            return new[] { "integer", "boolean", "null" }[random.Next(3)];
        }

        if (schema.Has("format") || schema.Has("pattern") || schema.Has("minLength") || schema.Has("maxLength"))
        {
            return "string";
        }

        return new[] { "string", "integer", "number", "boolean", "null" }[random.Next(5)];
    }

    public string String(GeneratorSchemaNode schema)
    {
        var min = schema.Count("minLength") ?? 0;
        var max = schema.Count("maxLength") ?? int.MaxValue;
        if (schema.Has("minLength"))
        {
            Exercised.Add("minLength");
        }

        if (schema.Has("maxLength"))
        {
            Exercised.Add("maxLength");
        }

        if (schema.Text("format") is { } format && StringSamples.Formats.TryGetValue(format, out var formatSamples))
        {
            Exercised.Add("format");
            Exercised.Add("format:" + format);
            return Pick(formatSamples.Valid, min, max, schema.Text("pattern"), "format " + format);
        }

        if (schema.Text("pattern") is { } pattern)
        {
            Exercised.Add("pattern");
            var samples = StringSamples.Patterns.TryGetValue(pattern, out var patternSamples)
                ? patternSamples.Valid
                : throw new InvalidOperationException($"No sample strings for the pattern '{pattern}': add them to StringSamples.");
            return Pick(samples, min, max, pattern, "pattern " + pattern);
        }

        // Now and then a string exactly at its maximum, of surrogate pairs: twice the UTF-16 length, still valid.
        var length = schema.Has("maxLength") && max <= 64 && random.Next(4) == 0 ? max : random.Next(min, Math.Min(max, min + 16) + 1);
        return RandomString(length, surrogatesOnly: length == max && random.Next(2) == 0);
    }

    private string Pick(string[] samples, int min, int max, string? pattern, string what)
    {
        var fitting = samples.Where(s => CodePoints(s) >= min && CodePoints(s) <= max && (pattern is null || Matches(pattern, s))).ToList();
        return fitting.Count > 0
            ? fitting[random.Next(fitting.Count)]
            : throw new InvalidOperationException($"No valid sample for {what} between {min} and {max} code points.");
    }

    public static bool Matches(string pattern, string value) => new Regex(pattern, RegexOptions.ECMAScript).IsMatch(value);

    public static int CodePoints(string value) => value.EnumerateRunes().Count();

    public string RandomString(int codePoints, bool surrogatesOnly = false)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < codePoints; i++)
        {
            if (surrogatesOnly)
            {
                builder.Append(Pool[15 + random.Next(3)]);
                continue;
            }

            var roll = random.Next(100);
            builder.Append(roll switch
            {
                < 65 => Letters[random.Next(Letters.Length)].ToString(),
                < 75 => random.Next(10).ToString(CultureInfo.InvariantCulture),
                _ => Pool[random.Next(Pool.Length)],
            });
        }

        return builder.ToString();
    }

    private (decimal Low, decimal High) Bounds(GeneratorSchemaNode schema, decimal step)
    {
        var low = schema.Number("minimum");
        if (schema.Number("exclusiveMinimum") is { } exclusiveLow)
        {
            low = Math.Max(low ?? decimal.MinValue, exclusiveLow + step);
        }

        var high = schema.Number("maximum");
        if (schema.Number("exclusiveMaximum") is { } exclusiveHigh)
        {
            high = Math.Min(high ?? decimal.MaxValue, exclusiveHigh - step);
        }

        foreach (var keyword in new[] { "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf" })
        {
            if (schema.Has(keyword))
            {
                Exercised.Add(keyword);
            }
        }

        return (low, high) switch
        {
            (null, null) => (-1000, 1000),
            ({ } l, null) => (l, l + 1000),
            (null, { } h) => (h - 1000, h),
            ({ } l, { } h) => (l, h),
        };
    }

    private decimal Between(decimal low, decimal high) =>
        random.Next(5) switch
        {
            0 => low,
            1 => high,
            _ => low + Math.Round((high - low) * (decimal)random.NextDouble(), 0),
        };

    private JsonNode Integer(GeneratorSchemaNode schema)
    {
        var (low, high) = Bounds(schema, 1);
        low = Math.Ceiling(low);
        high = Math.Floor(high);
        decimal value;
        if (schema.Number("multipleOf") is { } divisor)
        {
            var k = Between(Math.Ceiling(low / divisor), Math.Floor(high / divisor));
            value = k * divisor;
        }
        else
        {
            value = Between(low, high);
        }

        value = decimal.Truncate(value);
        return random.Next(10) switch
        {
            // 5.0 and 5e0 are integers in JSON Schema (a number whose fractional part is zero).
            0 => JsonValue.Create(value + 0.0m),
            1 => JsonNode.Parse(value.ToString(CultureInfo.InvariantCulture) + "e0")!,
            _ => JsonValue.Create(value),
        };
    }

    private JsonNode Number(GeneratorSchemaNode schema)
    {
        var divisor = schema.Number("multipleOf");
        var (low, high) = Bounds(schema, divisor ?? 0.001m);
        if (divisor is { } d)
        {
            return JsonValue.Create(Between(Math.Ceiling(low / d), Math.Floor(high / d)) * d);
        }

        var value = low + Math.Round((high - low) * (decimal)random.NextDouble(), 3);
        return JsonValue.Create(Math.Clamp(value, low, high));
    }

    private JsonObject Object(GeneratorSchemaNode schema, int depth)
    {
        var result = new JsonObject();
        var required = schema.Required;
        foreach (var keyword in new[] { "required", "additionalProperties", "minProperties", "maxProperties", "properties" })
        {
            if (schema.Has(keyword))
            {
                Exercised.Add(keyword);
            }
        }

        foreach (var (name, child) in Shuffle(schema.Properties.ToList()))
        {
            if (required.Contains(name) || (depth < 6 && random.Next(10) < 6))
            {
                result[name] = Value(child, depth + 1);
            }
        }

        foreach (var name in required.Where(r => !result.ContainsKey(r)))
        {
            // Required but not declared: any value will do.
            result[name] = JsonValue.Create("r");
        }

        var extras = schema.AdditionalSchema is not null ? random.Next(3) : !schema.ForbidsAdditional && random.Next(4) == 0 ? 1 + random.Next(2) : 0;
        for (var i = 0; i < extras; i++)
        {
            AddExtra(schema, result, depth);
        }

        var min = schema.Count("minProperties") ?? 0;
        while (result.Count < min)
        {
            if (schema.Properties.FirstOrDefault(p => !result.ContainsKey(p.Name)) is { Name: not null } missing)
            {
                result[missing.Name] = Value(missing.Schema, depth + 1);
            }
            else if (!AddExtra(schema, result, depth))
            {
                throw new InvalidOperationException($"Cannot reach minProperties {min} for {schema}.");
            }
        }

        var max = schema.Count("maxProperties") ?? int.MaxValue;
        while (result.Count > max)
        {
            var removable = result.Select(p => p.Key).Where(k => !required.Contains(k)).ToList();
            if (removable.Count == 0)
            {
                throw new InvalidOperationException($"Cannot get under maxProperties {max} for {schema}.");
            }

            result.Remove(removable[random.Next(removable.Count)]);
        }

        return result;
    }

    /// <summary>Adds one undeclared member that the schema accepts; false when it accepts none.</summary>
    public bool AddExtra(GeneratorSchemaNode schema, JsonObject target, int depth)
    {
        if (schema.ForbidsAdditional)
        {
            return false;
        }

        var free = ExtraNames.Where(n => !schema.Declares(n) && !target.ContainsKey(n)).ToList();
        if (free.Count == 0)
        {
            return false;
        }

        var name = free[random.Next(free.Count)];
        target[name] = schema.AdditionalSchema is { } additional ? Value(additional, depth + 1) : RandomJson(depth + 1);
        return true;
    }

    private JsonArray Array(GeneratorSchemaNode schema, int depth)
    {
        var min = schema.Count("minItems") ?? 0;
        var max = schema.Count("maxItems") ?? min + 4;
        foreach (var keyword in new[] { "items", "minItems", "maxItems", "uniqueItems" })
        {
            if (schema.Has(keyword))
            {
                Exercised.Add(keyword);
            }
        }

        var count = random.Next(min, Math.Min(max, min + 4) + 1);
        var result = new JsonArray();
        for (var attempts = 0; result.Count < count && attempts < count * 20; attempts++)
        {
            var item = schema.Items is { } items ? Value(items, depth + 1) : RandomJson(depth + 1);
            if (schema.Flag("uniqueItems") && result.Any(existing => JsonText.SpecEqual(existing, item)))
            {
                continue;
            }

            result.Add(item);
        }

        return result.Count >= min ? result : throw new InvalidOperationException($"Cannot make {min} unique items for {schema}.");
    }

    /// <summary>Any JSON value, for members and items no schema constrains.</summary>
    public JsonNode? RandomJson(int depth)
    {
        var roll = random.Next(depth > 3 ? 6 : 8);
        return roll switch
        {
            0 => JsonValue.Create(RandomString(random.Next(12))),
            1 => JsonValue.Create(random.Next(-1000, 1000)),
            2 => JsonNode.Parse(new[] { "-0.5", "1e5", "2.50", "-1E-3", "0", "12345678901234567890", "3.14159" }[random.Next(7)]),
            3 => JsonValue.Create(random.Next(2) == 0),
            4 => null,
            5 => JsonValue.Create("\U0001F600 \u00E9"),
            6 => new JsonArray(Enumerable.Range(0, random.Next(3)).Select(_ => RandomJson(depth + 1)).ToArray()),
            _ => RandomObject(depth),
        };
    }

    private JsonObject RandomObject(int depth)
    {
        var result = new JsonObject();
        var count = random.Next(3);
        for (var i = 0; i < count; i++)
        {
            var name = ExtraNames[random.Next(ExtraNames.Length)];
            if (!result.ContainsKey(name))
            {
                result[name] = RandomJson(depth + 1);
            }
        }

        return result;
    }

    private List<T> Shuffle<T>(List<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }

        return items;
    }

    public static JsonValueKind KindOf(JsonNode? node) => node?.GetValueKind() ?? JsonValueKind.Null;
}
