namespace Serverless.Pipeline.Enrichment;

/// <summary>Why an enrichment could not run, as written in <c>missing</c> and tagged on the counter.</summary>
public static class MissingReason
{
    /// <summary>The value is not of the kind declared (not an IP address, not a URL).</summary>
    public const string Unparseable = "unparseable";

    /// <summary>The value is well formed but no rule, database or table knows it.</summary>
    public const string UnknownValue = "unknown-value";

    /// <summary>No MaxMind database is configured.</summary>
    public const string NoGeoDatabase = "no-geo-database";

    /// <summary>A MaxMind database is configured but could not be opened or read.</summary>
    public const string GeoDatabaseUnavailable = "geo-database-unavailable";

    /// <summary>The tenant's lookup table could not be read from Table storage.</summary>
    public const string TableUnavailable = "table-unavailable";
}
