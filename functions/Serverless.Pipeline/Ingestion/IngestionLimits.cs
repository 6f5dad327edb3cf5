namespace Serverless.Pipeline.Ingestion;

/// <summary>Request limits, the same as Event Hubs' own.</summary>
public static class IngestionLimits
{
    public const int MaxBodyBytes = 1024 * 1024;
    public const int MaxEventsPerRequest = 500;

    /// <summary>JSON deeper than this is refused before it reaches any parser that recurses.</summary>
    public const int MaxJsonDepth = 64;
}
