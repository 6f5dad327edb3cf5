namespace Serverless.Pipeline.Validation;

/// <summary>How a value is normalized, from the schema's <c>x-normalize</c> keyword.</summary>
public enum NormalizeAs
{
    None,
    Email,
    Phone,
    Timestamp,
    Country,
}

/// <summary>Which profile contact field a value feeds, from the schema's <c>x-contact</c> keyword.</summary>
public enum ContactField
{
    None,
    Email,
    Phone,
    GivenName,
    FamilyName,
    FullName,
    Country,
    Language,
}

/// <summary>
/// What the schema says about one field beyond validation: how to normalize it, whether it is personal data
/// (<c>x-pii</c>), which contact field of the customer profile it feeds, and what is derived from it (<c>x-enrich</c>).
/// </summary>
/// <param name="Path">Property names from the data root; <c>*</c> stands for every item of an array.</param>
/// <param name="Normalize">The <c>x-normalize</c> rule.</param>
/// <param name="IsPii">Whether <c>x-pii</c> marks the value as personal data.</param>
/// <param name="Contact">The <c>x-contact</c> profile field.</param>
/// <param name="Enrich">The <c>x-enrich</c> rule, if any.</param>
public sealed record FieldRule(IReadOnlyList<string> Path, NormalizeAs Normalize, bool IsPii, ContactField Contact, Validation.EnrichmentRule? Enrich = null)
{
    /// <summary>The path as the <c>enrichments</c> object names fields: dot-separated, <c>*</c> for array items.</summary>
    public string DottedPath { get; } = string.Join('.', Path);

    public bool HasArrayStep => Path.Contains("*");

    public string DisplayPath => "$.data." + string.Join('.', Path).Replace(".*", "[*]", StringComparison.Ordinal);
}
