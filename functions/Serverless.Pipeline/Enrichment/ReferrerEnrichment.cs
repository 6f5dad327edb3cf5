namespace Serverless.Pipeline.Enrichment;

/// <summary>
/// Referrer host, medium (search, social, email, internal, other) and known source, from the shipped rules and the
/// tenant's own site hosts.
/// </summary>
internal static class ReferrerEnrichment
{
    public static void Enrich(string text, EnrichmentEntry entry, IReadOnlyList<string> siteHosts)
    {
        if (!UrlText.TryParse(text, out var url) || !url.IsAbsoluteUri)
        {
            entry.SetMissing(MissingReason.Unparseable);
            return;
        }

        var host = url.IdnHost.ToLowerInvariant();
        entry.Add("host", host);
        if (siteHosts.Any(own => ReferrerRules.Matches(host, own)))
        {
            entry.Add("medium", "internal");
        }
        else if (ReferrerRules.Shipped.Classify(host) is var (medium, source))
        {
            entry.Add("medium", medium);
            entry.Add("source", source);
        }
        else
        {
            entry.Add("medium", "other");
        }
    }
}
