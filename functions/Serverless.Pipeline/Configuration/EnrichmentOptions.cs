namespace Serverless.Pipeline.Configuration;

/// <summary>Settings of enrichment, bound from <c>Pipeline:Enrichment</c>.</summary>
public sealed class EnrichmentOptions
{
    /// <summary>A MaxMind DB file (GeoIP2/GeoLite2 City or Country) for IP geolocation; none by default.</summary>
    public string? GeoIpDatabasePath { get; set; }

    /// <summary>How long an instance uses a tenant's reference table before reading it again.</summary>
    public TimeSpan ReferenceCacheLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many reference tables an instance keeps cached at once; the one closest to expiry goes first.</summary>
    public int ReferenceCacheTables { get; set; } = 256;

    /// <summary>The most rows one reference table may hold: the operator CLI refuses more, and a read stops there.</summary>
    public int ReferenceTableMaxRows { get; set; } = 10_000;
}

/// <summary>Per-tenant enrichment settings, bound from <c>Pipeline:Tenants:{tenant}:Enrichment</c>.</summary>
public sealed class TenantEnrichmentOptions
{
    public const int DefaultIPv4Prefix = 24;
    public const int DefaultIPv6Prefix = 48;

    /// <summary>Bits of an IPv4 address kept (the rest zeroed) before it is stored.</summary>
    public int IPv4Prefix { get; set; } = DefaultIPv4Prefix;

    /// <summary>Bits of an IPv6 address kept before it is stored.</summary>
    public int IPv6Prefix { get; set; } = DefaultIPv6Prefix;

    /// <summary>The tenant's own hosts: a referrer on one of them (or a subdomain) is <c>internal</c>.</summary>
    public List<string> SiteHosts { get; init; } = [];
}
