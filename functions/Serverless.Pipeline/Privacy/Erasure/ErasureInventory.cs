using System.Text.Json.Serialization;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Privacy.Requests;

namespace Serverless.Pipeline.Privacy.Erasure;

/// <summary>One place where the pipeline keeps data about a person, and what became of it.</summary>
public sealed record InventoryEntry(
    [property: JsonPropertyName("place")] string Place,
    [property: JsonPropertyName("holds")] string Holds,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("at"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? At,
    [property: JsonPropertyName("counts"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, long>? Counts,
    [property: JsonPropertyName("expiresBy"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? ExpiresBy,
    [property: JsonPropertyName("reason"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason);

/// <summary>
/// The certificate's inventory: every place the pipeline keeps data about a person, each either erased (when, and
/// how much) or expiring (by when, and why it cannot go sooner), or kept on purpose as join keys only.
/// </summary>
public static class ErasureInventory
{
    public const string Erased = "erased";
    public const string Expires = "expires";
    public const string Kept = "kept";

    public static IReadOnlyList<InventoryEntry> Of(PrivacyRequest request, PrivacyRetentionOptions retention, DateTimeOffset completedAt)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(retention);
        var lastPurge = request.Steps.Where(s => s.Name is ErasureStepNames.DeleteViews or ErasureStepNames.PurgeRaw or ErasureStepNames.PurgeQuarantine).Select(s => (DateTimeOffset?)s.At).Max() ?? completedAt;
        return
        [
            ErasedBy(request, ErasureStepNames.DeleteViews, "customerViews", "The profile and recent-activity rows of each customer record.", "viewRows"),
            ErasedBy(request, ErasureStepNames.DeleteViews, "identityIndex", "The rows tying the person's emails and phones (as join keys) to their customer records.", "identityRows"),
            ErasedBy(request, ErasureStepNames.DeleteViews, "exports", "Subject access export documents made for the person before this erasure.", "exportDocuments"),
            ErasedBy(request, ErasureStepNames.PurgeRaw, "rawArchive", "Every archived event of the person (CloudEvents with their data).", "blobsRewritten", "linesRemoved"),
            ErasedBy(request, ErasureStepNames.PurgeQuarantine, "quarantine", "Every quarantined event of the person, as it arrived.", "blobsRewritten", "linesRemoved"),
            new InventoryEntry("subjectIndex", "Which blobs held the person's events.", Erased, lastPurge,
                new Dictionary<string, long> { ["indexRowsRemoved"] = Runs(request, ErasureStepNames.PurgeRaw, ErasureStepNames.PurgeQuarantine).Sum(s => s.Counts.GetValueOrDefault("indexRowsRemoved")) }, null, null),
            ErasedBy(request, [ErasureStepNames.DeleteViews, ErasureStepNames.PurgeRaw], "dedupeLedger",
                "The event ids of the person's archived events: their claims in the customer records, and the earlier ledger's rows.", "ledgerRowsRemoved"),
            new InventoryEntry("deliveryLog", "The source and delivery id of each accepted webhook request: no identifier, no event content.", Kept, null, null, null,
                "It holds nothing about the person, so there is nothing to erase."),
            Expiring("eventStream", "Every event of the person sent to the stream, those refused after suppression included.",
                completedAt.AddDays(retention.EventHubsRetentionDays), retention.EventHubsRetentionDays > 0
                    ? $"Event Hubs cannot delete single events; they age out after its retention of {retention.EventHubsRetentionDays} day(s)."
                    : "The stream keeps events in memory only until they are processed."),
            Expiring("blobSoftDelete", "The earlier content of each blob the purges rewrote or deleted. No blob versions: versioning is off on the data account, and verification found none.",
                lastPurge.AddDays(retention.BlobSoftDeleteDays), retention.BlobSoftDeleteDays > 0
                    ? $"Soft delete keeps a rewritten or deleted blob's earlier content for {retention.BlobSoftDeleteDays} day(s) and allows no earlier removal."
                    : "This storage has no soft delete: a purged blob's earlier content is gone at once."),
            Expiring("workflowHistory", "The erasure's own history: the person's join keys, customer ids and counts.",
                completedAt + retention.WorkflowHistoryLifetime, "An ended workflow's history is purged after it ends, never while it runs."),
            Expiring("telemetry", "Join keys and counts only, never an identifier: logs, traces and metrics.",
                completedAt.AddDays(retention.TelemetryRetentionDays), $"The monitoring workspace keeps telemetry for {retention.TelemetryRetentionDays} day(s)."),
            new InventoryEntry("suppressionList", "The person's join keys only.", Kept, null, null, null,
                "Kept so that events of the person arriving later are refused."),
            new InventoryEntry("auditLog", "The person's join keys and this certificate.", Kept, null, null, null,
                "Kept, immutable, as proof of the erasure."),
        ];
    }

    private static IEnumerable<RequestStep> Runs(PrivacyRequest request, params string[] steps) => request.Steps.Where(s => steps.Contains(s.Name));

    // Counts of every run of the step (a second pass erases what a batch in flight wrote during the first), at the last.
    private static InventoryEntry ErasedBy(PrivacyRequest request, string step, string place, string holds, params string[] counts) =>
        ErasedBy(request, [step], place, holds, counts);

    private static InventoryEntry ErasedBy(PrivacyRequest request, string[] steps, string place, string holds, params string[] counts)
    {
        var runs = Runs(request, steps).ToList();
        return new InventoryEntry(place, holds, Erased, runs.Count > 0 ? runs[^1].At : null,
            counts.ToDictionary(c => c, c => runs.Sum(r => r.Counts.GetValueOrDefault(c)), StringComparer.Ordinal), null, null);
    }

    private static InventoryEntry Expiring(string place, string holds, DateTimeOffset by, string reason) => new(place, holds, Expires, null, null, by, reason);
}
