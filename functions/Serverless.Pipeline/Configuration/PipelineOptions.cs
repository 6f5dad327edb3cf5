namespace Serverless.Pipeline.Configuration;

/// <summary>Settings of the processing stage, bound from the <c>Pipeline</c> configuration section.</summary>
public sealed class PipelineOptions
{
    public const string SectionName = "Pipeline";

    /// <summary>Base64 of at least 32 random bytes; in Azure it comes from Key Vault. Never logged.</summary>
    public string PseudonymizationKey { get; set; } = string.Empty;

    /// <summary>Prefix of every join key, so that a rotated key never mixes with the old one's keys.</summary>
    public string PseudonymizationKeyId { get; set; } = "k1";

    /// <summary>A directory of extra schemas (<c>{type}/{M-R-A}.json</c>) that add to or override the shipped ones.</summary>
    public string? SchemaDirectory { get; set; }

    /// <summary>Region for phone numbers written without a country code, when the tenant names none.</summary>
    public string DefaultRegion { get; set; } = "US";

    /// <summary>How many recent activity rows each customer keeps, newest first.</summary>
    public int RecentActivityLimit { get; set; } = 100;

    /// <summary>How many storage requests one batch keeps in flight at once.</summary>
    public int StorageConcurrency { get; set; } = 16;

    /// <summary>The pause before retrying a customer's view write that storage refused; the third try waits twice as long.</summary>
    public TimeSpan PoisonRetryBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Prefix of every container and table name (lower-case letters and digits), to share an account.</summary>
    public string StoragePrefix { get; set; } = string.Empty;

    /// <summary>How long processing may use a cached suppression list; the erasure workflow waits this out.</summary>
    public TimeSpan SuppressionCacheLifetime { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The longest a batch takes from reading the suppression list to its last write; added to the cache lifetime.</summary>
    public TimeSpan SuppressionMargin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Every processor runs in this process (the local runtime): an erasure tells them of its suppression directly and
    /// waits only for their batches in flight, not for <see cref="SuppressionCacheLifetime"/> and <see cref="SuppressionMargin"/>.
    /// </summary>
    public bool AllProcessorsInProcess { get; set; }

    /// <summary>How long a subject access export's download link stays valid.</summary>
    public TimeSpan ExportLinkLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public Configuration.EnrichmentOptions Enrichment { get; init; } = new();

    /// <summary>How long data outside the pipeline's reach lasts after an erasure, as its certificate states.</summary>
    public PrivacyRetentionOptions Privacy { get; init; } = new();

    public Dictionary<string, TenantOptions> Tenants { get; init; } = new(StringComparer.Ordinal);

    public TenantOptions TenantOrDefault(string tenant) => Tenants.TryGetValue(tenant, out var settings) ? settings : new TenantOptions();

    public string RegionFor(string tenant) =>
        Tenants.TryGetValue(tenant, out var settings) && !string.IsNullOrWhiteSpace(settings.DefaultRegion)
            ? settings.DefaultRegion
            : DefaultRegion;
}

/// <summary>Per-tenant settings.</summary>
public sealed class TenantOptions
{
    /// <summary>ISO 3166 alpha-2 region for reading national phone numbers (for example <c>US</c>, <c>FR</c>).</summary>
    public string? DefaultRegion { get; set; }

    /// <summary>Erasures need a second compliance officer's approval before anything is deleted.</summary>
    public bool RequireFourEyes { get; set; }

    /// <summary>How long an erasure waits for that approval before it expires.</summary>
    public TimeSpan ApprovalTimeout { get; set; } = TimeSpan.FromDays(7);

    /// <summary>IP anonymization prefixes and the tenant's own site hosts.</summary>
    public Configuration.TenantEnrichmentOptions Enrichment { get; init; } = new();
}
