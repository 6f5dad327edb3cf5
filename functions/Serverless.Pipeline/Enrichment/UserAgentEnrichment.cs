namespace Serverless.Pipeline.Enrichment;

/// <summary>Browser, OS and device family of a user-agent string, from the shipped rules.</summary>
internal static class UserAgentEnrichment
{
    public static void Enrich(string userAgent, EnrichmentEntry entry)
    {
        var rules = UserAgentRules.Shipped;
        var device = rules.Match("device", userAgent);
        var os = rules.Match("os", userAgent);
        var browser = device?.Name == "bot" ? null : rules.Match("browser", userAgent);
        if (browser is var (browserName, browserVersion))
        {
            entry.Add("browser", browserName);
            AddVersion(entry, "browserVersion", browserVersion);
        }

        if (os is var (osName, osVersion))
        {
            entry.Add("os", osName);
            AddVersion(entry, "osVersion", osVersion);
        }

        if (device is var (deviceName, _))
        {
            entry.Add("device", deviceName);
        }

        if (device is null || (browser is null && device.Value.Name != "bot"))
        {
            entry.SetMissing(MissingReason.UnknownValue);
        }
    }

    private static void AddVersion(EnrichmentEntry entry, string name, string? version)
    {
        if (version is not null)
        {
            entry.Add(name, version);
        }
    }
}
