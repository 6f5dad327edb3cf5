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

    public EventEnrichments Enrich(PipelineEvent pipelineEvent, EventSchema schema)
    {
        ArgumentNullException.ThrowIfNull(pipelineEvent);
        ArgumentNullException.ThrowIfNull(schema);
        var enrichments = new EventEnrichments();
        EnrichmentContext? context = null;
        foreach (var rule in schema.Rules)
        {
            if (rule.Enrich is not { } enrich)
            {
                continue;
            }

            var ordinal = 0;
            foreach (var (parent, key, value) in JsonPaths.Leaves(pipelineEvent.Data, rule.Path))
            {
                var field = rule.HasArrayStep ? $"{rule.DottedPath}[{ordinal++}]" : rule.DottedPath;
                if (value is null || value.GetValueKind() != JsonValueKind.String)
                {
                    continue;
                }

                context ??= ContextFor(pipelineEvent.Tenant);
                var entry = enrichments.Start(field, enrich.KindName);
                var text = value.GetValue<string>();
                switch (enrich.Kind)
                {
                    case EnrichAs.Phone:
                        PhoneEnrichment.Enrich(text, entry, context.Tenant);
                        break;
                    case EnrichAs.Email:
                        EmailEnrichment.Enrich(text, entry, context.Tenant);
                        break;
                    case EnrichAs.PageUrl:
                        PageUrlEnrichment.Enrich(text, entry, context.Tenant, context.JoinKey);
                        break;
                    case EnrichAs.Referrer:
                        ReferrerEnrichment.Enrich(text, entry, context.Tenant, context.Tenancy.SiteHosts);
                        break;
                    case EnrichAs.UserAgent:
                        UserAgentEnrichment.Enrich(text, entry, context.Tenant);
                        break;
                    case EnrichAs.Ip when IpEnrichment.Enrich(text, entry, context) is { } anonymized:
                        JsonPaths.Set(parent, key, anonymized);
                        break;
                    case EnrichAs.Reference:
                        entry.Add("table", enrich.Table!);
                        enrichments.Defer(new PendingLookup(entry, context.Tenant, enrich.Table!, text.Trim()));
                        break;
                }
            }
        }

        return enrichments;
    }

    /// <summary>
    /// Replaces every IP address the schema declares (<c>x-enrich: ip</c>) in <paramref name="data"/> by its network, as
    /// <see cref="Enrich"/> does, for an event that is quarantined instead of stored: nothing is stored with a full
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

    private EnrichmentContext ContextFor(string tenant)
    {
        var tenancy = _options.TenantOrDefault(tenant).Enrichment;
        return new EnrichmentContext(tenant, tenancy, _geo, value => _pseudonymizer.JoinKey(tenant, value));
    }
}
