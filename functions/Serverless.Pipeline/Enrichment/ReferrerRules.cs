namespace Serverless.Pipeline.Enrichment;

/// <summary>The shipped referrer classification (Rules/referrers.txt): host patterns to a medium and a source.</summary>
internal sealed class ReferrerRules
{
    private readonly List<(string Medium, string Source, string[] Patterns)> _rules;

    private ReferrerRules(List<(string, string, string[])> rules) => _rules = rules;

    public static ReferrerRules Shipped { get; } = new(RuleFiles.Rows("referrers.txt")
        .Select(row => (row[0], row[1], row[2].Split(' ', StringSplitOptions.RemoveEmptyEntries)))
        .ToList());

    public (string Medium, string Source)? Classify(string host)
    {
        foreach (var (medium, source, patterns) in _rules)
        {
            if (patterns.Any(p => Matches(host, p)))
            {
                return (medium, source);
            }
        }

        return null;
    }

    /// <summary>
    /// <c>example.com</c> matches it and its subdomains; <c>name.*</c> matches a label <c>name</c> followed by one or
    /// two labels of at most three letters (a public suffix such as <c>fr</c> or <c>co.uk</c>).
    /// </summary>
    public static bool Matches(string host, string pattern)
    {
        if (!pattern.EndsWith(".*", StringComparison.Ordinal))
        {
            return host.Equals(pattern, StringComparison.OrdinalIgnoreCase)
                || (host.Length > pattern.Length && host.EndsWith(pattern, StringComparison.OrdinalIgnoreCase) && host[^(pattern.Length + 1)] == '.');
        }

        var name = pattern[..^2];
        var labels = host.Split('.');
        for (var i = 0; i < labels.Length - 1; i++)
        {
            if (labels[i].Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                var suffix = labels.AsSpan(i + 1);
                var isSuffix = suffix.Length <= 2;
                foreach (var label in suffix)
                {
                    isSuffix &= label.Length is > 0 and <= 3;
                }

                return isSuffix;
            }
        }

        return false;
    }
}
