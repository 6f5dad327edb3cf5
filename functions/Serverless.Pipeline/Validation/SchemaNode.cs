using System.Globalization;
using System.Numerics;
using System.Text;
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

/// <summary>Which of a string field's text checks failed.</summary>
[Flags]
internal enum TextVerdict
{
    Passes = 0,
    PatternFails = 1,
    FormatFails = 2,
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

    /// <summary>
    /// What <see cref="Pattern"/> and <see cref="Format"/> said of texts seen before (paths, referrers, codes repeat),
    /// for a field that is not personal data; null where nothing is cached.
    /// </summary>
    internal Caching.ResultCache<string, TextVerdict>? TextVerdicts { get; init; }

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

    private const int TextVerdictCapacity = 2_048;

    /// <summary>A cache of text verdicts for a field with a pattern or a format that is not personal data; null otherwise.</summary>
    internal static Caching.ResultCache<string, TextVerdict>? TextVerdictsFor(Regex? pattern, string? format, FieldRule? rule) =>
        (pattern is not null || format is not null) && rule is not { IsPii: true }
            ? new Caching.ResultCache<string, TextVerdict>(TextVerdictCapacity, text => CheckText(pattern, format, text))
            : null;

    /// <summary>Runs the pattern and the format on a text.</summary>
    internal static TextVerdict CheckText(Regex? pattern, string? format, string text) =>
        (pattern is not null && !pattern.IsMatch(text) ? TextVerdict.PatternFails : TextVerdict.Passes)
        | (format is not null && !SchemaFormats.IsValid(format, text) ? TextVerdict.FormatFails : TextVerdict.Passes);

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

/// <summary>
/// A JSON number exactly as written, as <c>Mantissa × 10^Exponent</c>: JSON Schema compares numbers by their value, so
/// neither a double (1e-400 would be 0) nor a decimal (28 digits) will do.
/// </summary>
public readonly record struct JsonNumber(BigInteger Mantissa, int Exponent)
{
    // Past this, a power of ten is not built: the numbers are compared by magnitude, and multipleOf by doubles.
    private const int MaxAlignment = 10_000;
    private const int MaxExponent = 1_000_000_000;

    public static JsonNumber Of(JsonElement element) => Parse(Encoding.UTF8.GetBytes(element.GetRawText()));

    public static JsonNumber Read(ref Utf8JsonReader reader) => Parse(reader.ValueSpan);

    /// <summary>Parses a number token of JSON's grammar (<c>-?int(.frac)?([eE][+-]?digits)?</c>).</summary>
    public static JsonNumber Parse(ReadOnlySpan<byte> text)
    {
        var negative = text.Length > 0 && text[0] == '-';
        var i = negative ? 1 : 0;
        var digits = new StringBuilder(text.Length);
        var exponent = 0L;
        for (; i < text.Length && char.IsAsciiDigit((char)text[i]); i++)
        {
            digits.Append((char)text[i]);
        }

        if (i < text.Length && text[i] == '.')
        {
            for (i++; i < text.Length && char.IsAsciiDigit((char)text[i]); i++)
            {
                digits.Append((char)text[i]);
                exponent--;
            }
        }

        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            i++;
            var exponentNegative = i < text.Length && text[i] == '-';
            if (i < text.Length && (text[i] == '-' || text[i] == '+'))
            {
                i++;
            }

            var written = 0L;
            for (; i < text.Length && char.IsAsciiDigit((char)text[i]); i++)
            {
                written = Math.Min((written * 10) + (text[i] - '0'), MaxExponent);
            }

            exponent += exponentNegative ? -written : written;
        }

        var mantissa = BigInteger.Parse(digits.Length == 0 ? "0" : digits.ToString(), NumberStyles.None, CultureInfo.InvariantCulture);
        if (mantissa.IsZero)
        {
            return new JsonNumber(BigInteger.Zero, 0);
        }

        while (mantissa % 10 == 0)
        {
            mantissa /= 10;
            exponent++;
        }

        return new JsonNumber(negative ? -mantissa : mantissa, (int)Math.Clamp(exponent, -MaxExponent, MaxExponent));
    }

    public int CompareTo(JsonNumber other)
    {
        var bySign = Mantissa.Sign.CompareTo(other.Mantissa.Sign);
        if (bySign != 0 || Mantissa.IsZero)
        {
            return bySign;
        }

        // Same sign, neither zero: the one whose leading digit sits higher is larger in magnitude.
        var byMagnitude = ((long)Digits(Mantissa) + Exponent).CompareTo((long)Digits(other.Mantissa) + other.Exponent);
        if (byMagnitude == 0)
        {
            var lowest = Math.Min(Exponent, other.Exponent);
            byMagnitude = BigInteger.Abs(Scaled(lowest)).CompareTo(BigInteger.Abs(other.Scaled(lowest)));
        }

        return Mantissa.Sign > 0 ? byMagnitude : -byMagnitude;
    }

    public bool IsMultipleOf(JsonNumber divisor)
    {
        if (divisor.Mantissa.IsZero)
        {
            return false;
        }

        if (Mantissa.IsZero)
        {
            return true;
        }

        var lowest = Math.Min(Exponent, divisor.Exponent);
        if ((long)Exponent - lowest > MaxAlignment || (long)divisor.Exponent - lowest > MaxAlignment)
        {
            var quotient = ToDouble() / divisor.ToDouble();
            return double.IsFinite(quotient) && quotient == Math.Truncate(quotient);
        }

        return (BigInteger.Abs(Scaled(lowest)) % BigInteger.Abs(divisor.Scaled(lowest))).IsZero;
    }

    public double ToDouble() => double.Parse(ToString(), CultureInfo.InvariantCulture);

    public override string ToString() => Exponent == 0
        ? Mantissa.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{Mantissa}e{Exponent}");

    private BigInteger Scaled(int exponent) => Mantissa * BigInteger.Pow(10, Exponent - exponent);

    private static int Digits(BigInteger value) => BigInteger.Abs(value).ToString(CultureInfo.InvariantCulture).Length;
}
