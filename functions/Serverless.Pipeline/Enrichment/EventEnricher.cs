using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Enrichment;

/// <summary>
/// Applies the schema's <c>x-enrich</c> rules to an event whose data is already normalized: CPU work only, in the
/// preparation step. IP addresses are anonymized in the data itself; reference-table lookups are deferred to the
/// batch's storage step (<see cref="ReferenceTables.ResolveAsync"/>). Safe to call from several threads at once.
/// </summary>
public sealed class EventEnricher
{
    private readonly PipelineOptions _options;
    private readonly Pseudonymizer _pseudonymizer;
    private readonly GeoSource _geo;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, EnrichmentContext> _contexts = new(StringComparer.Ordinal);

    // A tenant's pages, referrers and agents that matter are a few thousand at most; a larger memo only holds more of
    // the long tail, and fills (and so grows the process) for longer before it levels off.
    private const int DerivedCapacity = 4_096;

    // Keyed by the context too: a tenant's site hosts and join keys are part of what is derived. Bounded, and it starts
    // again empty when full; it holds no personal value (see IsPersonal).
    private readonly Caching.ResultCache<(EnrichAs Kind, EnrichmentContext Context, string Text), EnrichmentEntry> _derived =
        new(DerivedCapacity, key => Derive(key.Kind, key.Text, key.Context));

    public EventEnricher(PipelineOptions options, Pseudonymizer pseudonymizer, GeoSource geo)
    {
        _options = options;
        _pseudonymizer = pseudonymizer;
        _geo = geo;
    }

    public static EventEnricher Create(PipelineOptions options, Pseudonymizer pseudonymizer, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new EventEnricher(options, pseudonymizer, GeoSource.Open(options.Enrichment.GeoIpDatabasePath, logger));
    }

    /// <summary>
    /// Enriches one field's (already normalized) text as its <c>x-enrich</c> rule says, adding an entry named
    /// <paramref name="field"/>. Returns the text to store in place of the value (an IP address's network), or null to
    /// keep it.
    /// </summary>
    internal string? EnrichField(EnrichmentRule enrich, string field, string text, EnrichmentContext context, EventEnrichments enrichments)
    {
        var entry = enrichments.Start(field, enrich.KindName);
        switch (enrich.Kind)
        {
            case EnrichAs.Ip:
                return IpEnrichment.Enrich(text, entry, context);
            case EnrichAs.Reference:
                entry.Add("table", enrich.Table!);
                enrichments.Defer(new PendingLookup(entry, context.Tenant, enrich.Table!, text.Trim()));
                return null;
            default:
                // Pages, referrers and agents come back again and again: each is derived once. Phones, emails and URLs
                // with an ad click id are one person's own: they seldom repeat, and are not kept in memory.
                var derived = IsPersonal(enrich.Kind, text) ? Derive(enrich.Kind, text, context) : _derived.Get((enrich.Kind, context, text));
                entry.CopyFrom(derived);
                if (derived.Missing is { } reason)
                {
                    EventEnrichments.CountMissing(entry.Kind, reason, context.Tenant);
                }

                return null;
        }
    }

    private static bool IsPersonal(EnrichAs kind, string text) =>
        kind is EnrichAs.Phone or EnrichAs.Email || (kind is EnrichAs.PageUrl or EnrichAs.Referrer && text.Contains("clid=", StringComparison.OrdinalIgnoreCase));

    private static EnrichmentEntry Derive(EnrichAs kind, string text, EnrichmentContext context)
    {
        var entry = new EnrichmentEntry(string.Empty, new EnrichmentRule(kind, null).KindName);
        switch (kind)
        {
            case EnrichAs.Phone:
                PhoneEnrichment.Enrich(text, entry);
                break;
            case EnrichAs.Email:
                EmailEnrichment.Enrich(text, entry);
                break;
            case EnrichAs.PageUrl:
                PageUrlEnrichment.Enrich(text, entry, context.JoinKey);
                break;
            case EnrichAs.Referrer:
                ReferrerEnrichment.Enrich(text, entry, context.Tenancy.SiteHosts);
                break;
            case EnrichAs.UserAgent:
                UserAgentEnrichment.Enrich(text, entry);
                break;
        }

        return entry;
    }

    /// <summary>
    /// Replaces every IP address the schema declares (<c>x-enrich: ip</c>) in <paramref name="data"/> by its network, as
    /// <see cref="EnrichField"/> does, for an event that is quarantined instead of stored: nothing is stored with a full
    /// address, quarantine included. Values that are not addresses are left as they are. True when anything changed.
    /// </summary>
    public bool AnonymizeAddresses(JsonObject data, string tenant, EventSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var tenancy = _options.TenantOrDefault(tenant).Enrichment;
        var changed = false;
        foreach (var rule in schema.Rules.Where(r => r.Enrich is { Kind: EnrichAs.Ip }))
        {
            foreach (var (parent, key, value) in JsonPaths.Leaves(data, rule.Path).ToList())
            {
                if (value?.GetValueKind() == JsonValueKind.String && IPAddress.TryParse(value.GetValue<string>().Trim(), out var address))
                {
                    JsonPaths.Set(parent, key, JsonValue.Create(IpAnonymizer.Anonymize(address, tenancy.IPv4Prefix, tenancy.IPv6Prefix).Network.ToString()));
                    changed = true;
                }
            }
        }

        return changed;
    }

    // One context per tenant for the life of the enricher: derived values are cached by it.
    internal EnrichmentContext ContextFor(string tenant) =>
        _contexts.GetOrAdd(tenant, t => new EnrichmentContext(t, _options.TenantOrDefault(t).Enrichment, _geo, value => _pseudonymizer.JoinKey(t, value)));
}
