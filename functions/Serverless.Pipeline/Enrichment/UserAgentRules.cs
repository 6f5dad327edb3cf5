namespace Serverless.Pipeline.Enrichment;

/// <summary>The shipped user-agent rules (Rules/user-agents.txt): ordered token matches for device, OS and browser.</summary>
internal sealed class UserAgentRules
{
    private readonly Dictionary<string, List<Rule>> _byKind;

    private UserAgentRules(Dictionary<string, List<Rule>> byKind) => _byKind = byKind;

    public static UserAgentRules Shipped { get; } = new(RuleFiles.Rows("user-agents.txt")
        .GroupBy(row => row[0], StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Select(row => new Rule(row[1], row[2], row.Length > 3 ? row[3] : null)).ToList(), StringComparer.Ordinal));

    /// <summary>The first rule of <paramref name="kind"/> whose token the string contains, with the major version it gives.</summary>
    public (string Name, string? Version)? Match(string kind, string userAgent)
    {
        foreach (var rule in _byKind[kind])
        {
            if (userAgent.Contains(rule.Token, StringComparison.OrdinalIgnoreCase))
            {
                return (rule.Name, rule.VersionAfter is { } after ? MajorVersion(userAgent, after) : null);
            }
        }

        return null;
    }

    // The digits after the version token, skipping one separator: "Chrome/131.0" -> 131, "iPhone OS 18_1" -> 18.
    private static string? MajorVersion(string userAgent, string after)
    {
        var at = userAgent.IndexOf(after, StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return null;
        }

        var start = at + after.Length;
        if (start < userAgent.Length && !char.IsAsciiDigit(userAgent[start]))
        {
            start++;
        }

        var end = start;
        while (end < userAgent.Length && char.IsAsciiDigit(userAgent[end]))
        {
            end++;
        }

        return end > start ? userAgent[start..end] : null;
    }

    private sealed record Rule(string Name, string Token, string? VersionAfter);
}
