using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Serverless.Pipeline.Archive;
using Serverless.Pipeline.Events;

namespace Serverless.Local.Dashboard;

/// <summary>
/// One quarantined event as the dashboard shows it: why, which event and where it was. The body is left out: it is the
/// raw payload, with whatever personal data it carried.
/// </summary>
public sealed record QuarantineExample(
    string Reason, IReadOnlyList<Violation> Violations, string? Tenant, string? EventId, string? EventType, string? Subject,
    DateTimeOffset EnqueuedTime, string Blob);

/// <summary>Reads recent examples per reason from the newest quarantine blobs.</summary>
internal static class QuarantineExamples
{
    public static async Task<Dictionary<string, List<QuarantineExample>>> ReadAsync(BlobContainerClient container, int perReason, int maxBlobs,
        CancellationToken cancellationToken)
    {
        var blobs = new List<BlobItem>();
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix: null, cancellationToken).ConfigureAwait(false))
        {
            blobs.Add(blob);
        }

        var examples = new Dictionary<string, List<QuarantineExample>>(StringComparer.Ordinal);
        var newest = blobs.OrderByDescending(b => b.Properties.LastModified).ThenByDescending(b => b.Name, StringComparer.Ordinal).Take(maxBlobs);
        foreach (var blob in newest)
        {
            var records = new List<QuarantineRecord>();
            await foreach (var record in QuarantineStore.ReadAsync(container, blob.Name, cancellationToken).ConfigureAwait(false))
            {
                records.Add(record);
            }

            // Later lines were later in the stream.
            foreach (var record in Enumerable.Reverse(records))
            {
                var reason = record.Reason.ToString();
                if (!examples.TryGetValue(reason, out var list))
                {
                    list = [];
                    examples.Add(reason, list);
                }

                if (list.Count < perReason)
                {
                    list.Add(new QuarantineExample(reason, record.Violations, record.Tenant, record.EventId, record.EventType, record.Subject,
                        record.EnqueuedTime, blob.Name));
                }
            }
        }

        return examples;
    }
}
