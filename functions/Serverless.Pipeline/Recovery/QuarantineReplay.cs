using System.Globalization;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using Serverless.Pipeline.Archive;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Processing;
using Serverless.Pipeline.Storage;

namespace Serverless.Pipeline.Recovery;

/// <summary>What a replay did: how many quarantined events it looked at, stored again, and left in quarantine.</summary>
public sealed record ReplayResult(int Examined, int Stored, int Duplicates, int Suppressed, int StillFailing, IReadOnlyDictionary<RejectionReason, int> StillFailingByReason);

/// <summary>
/// Sends quarantined events through the pipeline again, after a schema fix or a new schema version. Each record is
/// prepared first: one that still fails stays where it is (no second copy), one that now passes is processed under a
/// replay partition with fresh sequence numbers (so views count it once) and then removed from its quarantine blob.
/// An event leaves quarantine only once it is stored, a duplicate, or suppressed.
/// </summary>
public sealed class QuarantineReplay
{
    public const string ReplayPartition = "replay";
    private readonly IRecoveryPipeline _pipeline;
    private readonly TimeProvider _time;

    public QuarantineReplay(IRecoveryPipeline pipeline, TimeProvider time)
    {
        _pipeline = pipeline;
        _time = time;
    }

    /// <summary>Replays every quarantine blob of a tenant (or of events with no readable tenant: <c>_unknown</c>).</summary>
    public async Task<ReplayResult> ReplayTenantAsync(string tenant, CancellationToken cancellationToken)
    {
        var totals = new Totals();
        var container = _pipeline.Storage.Quarantine;
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, tenant + "/", cancellationToken).ConfigureAwait(false))
        {
            await ReplayBlobAsync(blob.Name, totals, cancellationToken).ConfigureAwait(false);
        }

        return totals.ToResult();
    }

    /// <summary>
    /// Replays the quarantine blobs of a tenant that the window holds (by the hour their batch was enqueued), reporting
    /// after each blob how many records it has examined so far.
    /// </summary>
    public async Task<ReplayResult> ReplayAsync(string tenant, ArchiveWindow window, IProgress<ReplayResult>? progress, CancellationToken cancellationToken)
    {
        var totals = new Totals();
        await foreach (var blobName in window.ListAsync(_pipeline.Storage.Quarantine, tenant, cancellationToken).ConfigureAwait(false))
        {
            await ReplayBlobAsync(blobName, totals, cancellationToken).ConfigureAwait(false);
            progress?.Report(totals.ToResult());
        }

        return totals.ToResult();
    }

    private async Task ReplayBlobAsync(string blobName, Totals totals, CancellationToken cancellationToken)
    {
        var records = new List<QuarantineRecord>();
        await foreach (var record in QuarantineStore.ReadAsync(_pipeline.Storage.Quarantine, blobName, cancellationToken).ConfigureAwait(false))
        {
            records.Add(record);
        }

        var passing = new List<QuarantineRecord>();
        foreach (var record in records)
        {
            totals.Examined++;
            var preparation = _pipeline.Preparer.Prepare(record.ToIncomingEvent());
            if (preparation.Rejected is { } rejected)
            {
                totals.Fail(rejected.Rejection.Reason);
            }
            else
            {
                passing.Add(record);
            }
        }

        if (passing.Count == 0)
        {
            return;
        }

        // Fresh positions on a partition of its own, after every sequence number a replay ever used.
        var firstSequence = _time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        var batch = passing.Select((record, i) =>
            record.ToIncomingEvent() with { Position = new StreamPosition(ReplayPartition, firstSequence + i), EnqueuedTime = _time.GetUtcNow() }).ToList();
        var result = await _pipeline.Processor.ProcessAsync(batch, cancellationToken).ConfigureAwait(false);
        totals.Stored += result.Stored;
        totals.Duplicates += result.Duplicates;
        totals.Suppressed += result.Suppressed;
        foreach (var outcome in result.Outcomes.Where(o => o.Disposition == EventDisposition.Quarantined))
        {
            totals.Fail(outcome.Reason!.Value);
        }

        // Only what the pipeline took leaves quarantine; the positions say which lines those were.
        var settled = result.Outcomes.Where(o => o.Disposition != EventDisposition.Quarantined)
            .Select(o => Key(passing[o.Index].StreamPartition, passing[o.Index].StreamSequence))
            .ToHashSet(StringComparer.Ordinal);
        await GzipJsonLines.RemoveLinesAsync(_pipeline.Storage.Quarantine.GetBlobClient(blobName), line =>
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            return settled.Contains(Key(root.GetProperty("streamPartition").GetString()!, root.GetProperty("streamSequence").GetInt64()));
        }, cancellationToken).ConfigureAwait(false);
    }

    private static string Key(string partition, long sequence) => partition + ":" + sequence.ToString(CultureInfo.InvariantCulture);

    private sealed class Totals
    {
        private readonly Dictionary<RejectionReason, int> _failing = [];

        public int Examined { get; set; }
        public int Stored { get; set; }
        public int Duplicates { get; set; }
        public int Suppressed { get; set; }

        public void Fail(RejectionReason reason) => _failing[reason] = _failing.GetValueOrDefault(reason) + 1;

        public ReplayResult ToResult() => new(Examined, Stored, Duplicates, Suppressed, _failing.Values.Sum(), new Dictionary<RejectionReason, int>(_failing));
    }
}
