using System.Text.Json;
using System.Text.RegularExpressions;

namespace Serverless.Pipeline.Validation;

/// <summary>The JSON types a schema's <c>type</c> keyword allows.</summary>
[Flags]
public enum JsonTypes
{
    None = 0,
    Null = 1,
    Boolean = 2,
    Object = 4,
    Array = 8,
    Number = 16,
    Integer = 32,
    String = 64,
    Any = Null | Boolean | Object | Array | Number | Integer | String,
}

/// <summary>One property a schema declares: its name as text and as UTF-8, and its subschema.</summary>
public sealed record SchemaProperty(string Name, byte[] Utf8Name, SchemaNode Node);

/// <summary>
/// One (sub)schema compiled for the forward pass: the assertions that apply to an instance, by the instance's type,
/// and the pipeline's field rule when the schema declares one. Built once per schema version by <see cref="CompiledSchema"/>.
/// </summary>
public sealed class SchemaNode
{
    /// <summary>A boolean schema <c>false</c>: nothing is valid against it.</summary>
    public bool RejectsAll { get; init; }

    public JsonTypes Types { get; init; } = JsonTypes.Any;

    public IReadOnlyList<SchemaProperty> Properties { get; init; } = [];

    public IReadOnlyList<string> Required { get; init; } = [];

    /// <summary><see cref="Required"/> as UTF-8, for comparing with the names in the data without decoding them.</summary>
    public IReadOnlyList<byte[]> RequiredUtf8 { get; init; } = [];

    /// <summary>Whether properties not in <see cref="Properties"/> are allowed (<c>additionalProperties: false</c> says no).</summary>
    public bool AdditionalAllowed { get; init; } = true;

    /// <summary>The schema every undeclared property must meet (<c>additionalProperties</c> as a schema).</summary>
    public SchemaNode? AdditionalSchema { get; init; }

    public int? MinProperties { get; init; }
    public int? MaxProperties { get; init; }

    public SchemaNode? Items { get; init; }
    public int? MinItems { get; init; }
    public int? MaxItems { get; init; }
    public bool UniqueItems { get; init; }

    public long? MinLength { get; init; }
    public long? MaxLength { get; init; }
    public Regex? Pattern { get; init; }
    public string? Format { get; init; }

    public JsonNumber? Minimum { get; init; }
    public JsonNumber? Maximum { get; init; }
    public JsonNumber? ExclusiveMinimum { get; init; }
    public JsonNumber? ExclusiveMaximum { get; init; }
    public JsonNumber? MultipleOf { get; init; }

    /// <summary>The allowed values (<c>enum</c>), each as a standalone JSON element.</summary>
    public IReadOnlyList<JsonElement>? Enum { get; init; }

    /// <summary>The UTF-8 text of each string in <see cref="Enum"/>, for comparing string instances without decoding them.</summary>
    public IReadOnlyList<byte[]> EnumStrings { get; init; } = [];

    /// <summary>Whether every allowed value of <see cref="Enum"/> is a string (then a non-string instance is simply not allowed).</summary>
    public bool EnumOnlyStrings { get; init; }

    public JsonElement? Const { get; init; }

    /// <summary>What the pipeline does with the value here (<c>x-normalize</c>, <c>x-pii</c>, <c>x-contact</c>, <c>x-enrich</c>).</summary>
    public FieldRule? Rule { get; init; }

    /// <summary>The index of <see cref="Rule"/> in the schema's rule list (declaration order).</summary>
    public int RuleIndex { get; init; } = -1;

    /// <summary>Whether this node or any node below it has a rule: a subtree without one is copied as it is.</summary>
    public bool HasRulesBelow { get; set; }

    /// <summary>Whether a value here must be materialized to be checked (<c>enum</c>/<c>const</c> with non-string values, <c>uniqueItems</c>).</summary>
    public bool NeedsValue => Const is not null || (Enum is not null && !EnumOnlyStrings) || UniqueItems;

    public SchemaNode? PropertyNode(ref System.Text.Json.Utf8JsonReader reader)
    {
        foreach (var property in Properties)
        {
            if (reader.ValueTextEquals(property.Utf8Name))
            {
                return property.Node;
            }
        }

        return null;
    }
}

/// <summary>A JSON number as JSON Schema compares them: exactly as a decimal when it fits, otherwise as a double.</summary>
public readonly record struct JsonNumber(decimal? Exact, double Approximate)
{
    public static JsonNumber Of(JsonElement element) =>
        element.TryGetDecimal(out var exact) ? new JsonNumber(exact, (double)exact) : new JsonNumber(null, element.GetDouble());

    public static JsonNumber Read(ref System.Text.Json.Utf8JsonReader reader) =>
        reader.TryGetDecimal(out var exact) ? new JsonNumber(exact, (double)exact) : new JsonNumber(null, reader.GetDouble());

    public bool IsInteger => Exact is { } exact ? decimal.Truncate(exact) == exact : Math.Truncate(Approximate) == Approximate && !double.IsInfinity(Approximate);

    public int CompareTo(JsonNumber other) =>
        Exact is { } a && other.Exact is { } b ? a.CompareTo(b) : Approximate.CompareTo(other.Approximate);

    public bool IsMultipleOf(JsonNumber divisor)
    {
        if (Exact is { } a && divisor.Exact is { } b && b != 0)
        {
            return a % b == 0;
        }

        var quotient = Approximate / divisor.Approximate;
        return !double.IsInfinity(quotient) && Math.Abs(quotient - Math.Round(quotient)) < 1e-9;
    }

    public override string ToString() => Exact?.ToString(System.Globalization.CultureInfo.InvariantCulture)
        ?? Approximate.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
