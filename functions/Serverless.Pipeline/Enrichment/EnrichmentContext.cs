using Serverless.Pipeline.Configuration;

namespace Serverless.Pipeline.Enrichment;

/// <summary>What an enrichment needs to know about the event's tenant beyond the value itself.</summary>
internal sealed record EnrichmentContext(string Tenant, TenantEnrichmentOptions Tenancy, GeoSource Geo, Func<string, string> JoinKey);
