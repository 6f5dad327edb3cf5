using System.Text.RegularExpressions;

namespace Serverless.Pipeline.Validation;

/// <summary>What is derived from a field, from the schema's <c>x-enrich</c> keyword.</summary>
public enum EnrichAs
{
    Phone,
    Email,
    PageUrl,
    Referrer,
    Ip,
    UserAgent,
    Reference,
}

/// <summary>One field's <c>x-enrich</c> declaration: a built-in enrichment, or <c>reference:{table}</c> for a tenant lookup table.</summary>
public sealed partial record EnrichmentRule(EnrichAs Kind, string? Table)
{
    private const string ReferencePrefix = "reference:";

    /// <summary>The keyword's accepted values, for error messages.</summary>
    public static string Accepted => "phone, email, pageUrl, referrer, ip, userAgent, reference:{table}";

    /// <summary>The name written as <c>kind</c> in the stored <c>enrichments</c> object.</summary>
    public string KindName => Names.Of(Kind);

    /// <summary>A reference table's name: lower-case letters, digits, '_' and '-', at most 63 characters.</summary>
    public static bool IsValidTableName(string name) => TableName().IsMatch(name);

    public static bool TryParse(string? text, out EnrichmentRule? rule)
    {
        rule = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (text.StartsWith(ReferencePrefix, StringComparison.OrdinalIgnoreCase))
        {
            var table = text[ReferencePrefix.Length..];
            if (!IsValidTableName(table))
            {
                return false;
            }

            rule = new EnrichmentRule(EnrichAs.Reference, table);
            return true;
        }

        if (Enum.TryParse<EnrichAs>(text, ignoreCase: true, out var kind) && kind != EnrichAs.Reference && !int.TryParse(text, out _))
        {
            rule = new EnrichmentRule(kind, null);
            return true;
        }

        return false;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,62}$")]
    private static partial Regex TableName();

    internal static class Names
    {
        private static readonly string[] ByKind = ["phone", "email", "pageUrl", "referrer", "ip", "userAgent", "reference"];

        public static string Of(EnrichAs kind) => ByKind[(int)kind];
    }
}
