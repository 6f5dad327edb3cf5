using Serverless.Pipeline.Enrichment;

namespace Serverless.Pipeline.Tests.Unit.Enrichment;

internal static class Enrich
{
    public static EnrichmentEntry Entry(string kind, Action<EnrichmentEntry> enrich)
    {
        var entry = new EnrichmentEntry("field", kind);
        enrich(entry);
        return entry;
    }

    public static string JoinKey(string value) => "k_" + value;
}
