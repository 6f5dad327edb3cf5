using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Serverless.Pipeline.Events;

namespace Serverless.Pipeline.Validation;

/// <summary>
/// A JSON Schema (draft-07) compiled once into a tree of <see cref="SchemaNode"/>s that the event pass checks in one
/// forward read of the UTF-8 data. The file stays the single source of truth; keywords that the pass cannot check in
/// one forward read (<c>$ref</c>, the combinators, conditionals, …) are refused when the schema is loaded, so no event
/// is ever checked against less than its schema says.
/// </summary>
public sealed class CompiledSchema
{
    /// <summary>Keywords the pass checks.</summary>
    public static readonly IReadOnlySet<string> Supported = new HashSet<string>(StringComparer.Ordinal)
    {
        "type", "enum", "const", "properties", "required", "additionalProperties", "minProperties", "maxProperties",
        "items", "minItems", "maxItems", "uniqueItems", "minLength", "maxLength", "pattern", "format",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    };

    /// <summary>Keywords JSON Schema defines that would change a verdict, and which the pass does not check.</summary>
    public static readonly IReadOnlySet<string> Unsupported = new HashSet<string>(StringComparer.Ordinal)
    {
        "$ref", "$dynamicRef", "$recursiveRef", "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
        "dependencies", "dependentRequired", "dependentSchemas", "propertyNames", "patternProperties", "contains",
        "minContains", "maxContains", "additionalItems", "prefixItems", "unevaluatedProperties", "unevaluatedItems",
    };

    /// <summary>How long one <c>pattern</c> may take on one value.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(200);

    private CompiledSchema(SchemaNode root) => Root = root;

    public SchemaNode Root { get; }

    /// <summary>Compiles a schema; false, with the first keyword it cannot check, when it uses one.</summary>
    public static bool TryCompile(JsonElement schemaRoot, out CompiledSchema? compiled, out string? unsupportedKeyword) =>
        TryCompile(schemaRoot, [], out compiled, out unsupportedKeyword);

    internal static bool TryCompile(JsonElement schemaRoot, IReadOnlyList<FieldRule> rules, out CompiledSchema? compiled, out string? unsupportedKeyword)
    {
        var byPath = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            byPath[rules[i].DottedPath] = i;
        }

        try
        {
            var root = Compile(schemaRoot, [], rules, byPath, true);
            compiled = new CompiledSchema(root);
            unsupportedKeyword = null;
            return true;
        }
        catch (UnsupportedKeywordException ex)
        {
            compiled = null;
            unsupportedKeyword = ex.Keyword;
            return false;
        }
    }

    /// <summary>Every violation of <paramref name="utf8Data"/> (a JSON value); empty when it is valid.</summary>
    /// <exception cref="JsonException">The data is not well-formed JSON, or an object in it repeats a property name.</exception>
    public IReadOnlyList<Violation> Validate(ReadOnlySpan<byte> utf8Data)
    {
        var violations = new List<Violation>();
        SchemaWalk.Run(utf8Data, Root, violations);
        return violations;
    }

    private static SchemaNode Compile(JsonElement schema, List<string> path, IReadOnlyList<FieldRule> rules, Dictionary<string, int> byPath, bool ruled)
    {
        if (schema.ValueKind == JsonValueKind.True)
        {
            return new SchemaNode();
        }

        if (schema.ValueKind == JsonValueKind.False)
        {
            return new SchemaNode { RejectsAll = true };
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("A schema must be an object or a boolean.");
        }

        foreach (var property in schema.EnumerateObject())
        {
            if (Unsupported.Contains(property.Name))
            {
                throw new UnsupportedKeywordException(property.Name);
            }
        }

        var properties = new List<SchemaProperty>();
        if (schema.TryGetProperty("properties", out var declared) && declared.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in declared.EnumerateObject())
            {
                path.Add(property.Name);
                properties.Add(new SchemaProperty(property.Name, Encoding.UTF8.GetBytes(property.Name), Compile(property.Value, path, rules, byPath, ruled)));
                path.RemoveAt(path.Count - 1);
            }
        }

        SchemaNode? items = null;
        if (schema.TryGetProperty("items", out var itemSchema))
        {
            if (itemSchema.ValueKind == JsonValueKind.Array)
            {
                throw new UnsupportedKeywordException("items (as an array of schemas)");
            }

            path.Add("*");
            items = Compile(itemSchema, path, rules, byPath, ruled);
            path.RemoveAt(path.Count - 1);
        }

        var additional = schema.TryGetProperty("additionalProperties", out var additionalSchema) ? additionalSchema : (JsonElement?)null;
        var enumValues = schema.TryGetProperty("enum", out var e) && e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(v => v.Clone()).ToList() : null;
        var requiredNames = schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array
            ? required.EnumerateArray().Select(r => r.GetString()!).Distinct(StringComparer.Ordinal).ToList()
            : [];
        var ruleIndex = ruled && path.Count > 0 && byPath.TryGetValue(string.Join('.', path), out var index) ? index : -1;
        var rule = ruleIndex >= 0 ? rules[ruleIndex] : null;
        var pattern = schema.TryGetProperty("pattern", out var patternText) ? Pattern(patternText.GetString()!, path) : null;
        var format = schema.TryGetProperty("format", out var formatText) && formatText.ValueKind == JsonValueKind.String ? formatText.GetString() : null;
        var node = new SchemaNode
        {
            Types = ReadTypes(schema),
            Properties = properties,
            Required = requiredNames,
            RequiredUtf8 = requiredNames.Select(Encoding.UTF8.GetBytes).ToList(),
            AdditionalAllowed = additional is not { ValueKind: JsonValueKind.False },
            AdditionalSchema = additional is { ValueKind: JsonValueKind.Object } a ? Compile(a, path, rules, byPath, ruled: false) : null,
            MinProperties = Int(schema, "minProperties"),
            MaxProperties = Int(schema, "maxProperties"),
            Items = items,
            MinItems = Int(schema, "minItems"),
            MaxItems = Int(schema, "maxItems"),
            UniqueItems = schema.TryGetProperty("uniqueItems", out var unique) && unique.ValueKind == JsonValueKind.True,
            MinLength = Int(schema, "minLength"),
            MaxLength = Int(schema, "maxLength"),
            Pattern = pattern,
            Format = format,
            TextVerdicts = SchemaNode.TextVerdictsFor(pattern, format, rule),
            Minimum = Number(schema, "minimum"),
            Maximum = Number(schema, "maximum"),
            ExclusiveMinimum = Number(schema, "exclusiveMinimum"),
            ExclusiveMaximum = Number(schema, "exclusiveMaximum"),
            MultipleOf = Number(schema, "multipleOf"),
            Enum = enumValues,
            EnumStrings = enumValues?.Where(v => v.ValueKind == JsonValueKind.String).Select(v => Encoding.UTF8.GetBytes(v.GetString()!)).ToList() ?? [],
            EnumOnlyStrings = enumValues is not null && enumValues.All(v => v.ValueKind == JsonValueKind.String),
            Const = schema.TryGetProperty("const", out var constant) ? constant.Clone() : null,
            Rule = rule,
            RuleIndex = ruleIndex,
        };
        node.HasRulesBelow = node.Rule is not null || properties.Any(p => p.Node.HasRulesBelow) || items?.HasRulesBelow == true;
        return node;
    }

    // A schema comes from an operator and the text it is matched against from a webhook: a pattern that backtracks
    // without end is stopped, and the event is quarantined as one that cannot be prepared.
    private static Regex Pattern(string pattern, List<string> path)
    {
        try
        {
            return new Regex(pattern, RegexOptions.Compiled | RegexOptions.ECMAScript, MatchTimeout);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"The pattern at '{(path.Count == 0 ? "(root)" : string.Join('.', path))}' is not a valid regular expression: {ex.Message}", ex);
        }
    }

    private static JsonTypes ReadTypes(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var type))
        {
            return JsonTypes.Any;
        }

        var names = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()) : [type.GetString()];
        var types = JsonTypes.None;
        foreach (var name in names)
        {
            types |= name switch
            {
                "null" => JsonTypes.Null,
                "boolean" => JsonTypes.Boolean,
                "object" => JsonTypes.Object,
                "array" => JsonTypes.Array,
                "number" => JsonTypes.Number | JsonTypes.Integer,
                "integer" => JsonTypes.Integer,
                "string" => JsonTypes.String,
                _ => throw new InvalidDataException($"Unknown JSON Schema type '{name}'."),
            };
        }

        return types;
    }

    private static int? Int(JsonElement schema, string keyword) =>
        schema.TryGetProperty(keyword, out var value) && value.ValueKind == JsonValueKind.Number ? (int)Math.Min(value.GetDouble(), int.MaxValue) : null;

    private static JsonNumber? Number(JsonElement schema, string keyword) =>
        schema.TryGetProperty(keyword, out var value) && value.ValueKind == JsonValueKind.Number ? JsonNumber.Of(value) : null;

    private sealed class UnsupportedKeywordException(string keyword) : Exception(keyword)
    {
        public string Keyword { get; } = keyword;
    }
}
