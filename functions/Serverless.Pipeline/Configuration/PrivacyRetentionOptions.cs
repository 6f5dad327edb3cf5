namespace Serverless.Pipeline.Configuration;

/// <summary>
/// How long the places outside the pipeline's reach keep data after an erasure, bound from <c>Pipeline:Privacy</c>;
/// the erasure certificate states each. The defaults are those of the Azure deployment.
/// </summary>
public sealed class PrivacyRetentionOptions
{
    /// <summary>Event Hubs' message retention: it cannot delete single events, so they age out after this many days.</summary>
    public int EventHubsRetentionDays { get; set; } = 1;

    /// <summary>The data account's blob soft-delete window: a purged blob's earlier content stays that long (0: no soft delete, as in Azurite).</summary>
    public int BlobSoftDeleteDays { get; set; } = 14;

    /// <summary>How long telemetry (join keys and counts only) is kept by the Log Analytics workspace.</summary>
    public int TelemetryRetentionDays { get; set; } = 30;

    /// <summary>The longest an ended workflow's history stays before it is purged (Azure: the hourly purge; locally it goes when the workflow ends).</summary>
    public TimeSpan WorkflowHistoryLifetime { get; set; } = TimeSpan.FromHours(1);
}
