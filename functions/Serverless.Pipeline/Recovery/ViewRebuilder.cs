using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Views;

namespace Serverless.Pipeline.Recovery;

/// <summary>
/// Rebuilds one tenant's hot views from the raw archive and the quarantine, for the blobs of a time range:
/// <list type="bullet">
/// <item>every customer with a stored or quarantined event in the range gets its whole partition (profile with
/// watermarks, recent activity, subject index) and its identity-index rows rebuilt from its complete history, found
/// through its subject-index rows (and the blobs this run read), never by scanning the archive;</item>
/// <item>the daily counters of every UTC day the range touches are recomputed exactly: stored events count on their
/// event day, quarantined ones on the day they were enqueued, one row per stream partition, as live; rows of the
/// earlier counter layout (one Table partition per tenant and day) are replaced by rows of the current one.</item>
/// </list>
/// Correct entities are written before stale ones are deleted, so an interrupted run loses nothing and running it
/// again finishes it; a second run writes the same state. Run it while the tenant's processing is paused: a batch
/// processed during the rebuild may be overwritten and needs a second run afterwards.
/// The archive is the truth it rebuilds from, so where the archive changed after the live writes the result follows
/// the archive: events a replay took out of quarantine no longer count under <c>quarantine:*</c> nor appear in the
/// subject index's quarantine rows (they count once, as stored, on the replay partition), and events an erasure
/// removed no longer count at all.
/// </summary>
public sealed partial class ViewRebuilder
{
    private const int Prefetch = 8;
    private readonly IRecoveryPipeline _pipeline;
    private readonly TimeProvider _time;
    private readonly ILogger<ViewRebuilder> _logger;
    private readonly int _blobCache;

    public ViewRebuilder(IRecoveryPipeline pipeline, TimeProvider time, ILogger<ViewRebuilder> logger, int blobCache = 256)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _pipeline = pipeline;
        _time = time;
        _logger = logger;
        _blobCache = blobCache;
    }

    private PipelineStorage Storage => _pipeline.Storage;

    public async Task<RebuildResult> RebuildAsync(RebuildRequest request, IProgress<RebuildProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        LogStarted(request.Tenant, request.From, request.To);
        var run = new Run(request, new ArchiveReader(Storage, _pipeline.Schemas, _pipeline.Pseudonymizer, _blobCache), progress);
        await ScanAsync(run, cancellationToken).ConfigureAwait(false);
        await RebuildCustomersAsync(run, cancellationToken).ConfigureAwait(false);
        await RemoveStaleIdentitiesAsync(run, cancellationToken).ConfigureAwait(false);
        var counterRows = await WriteCountersAsync(run, cancellationToken).ConfigureAwait(false);
        run.Report("done");
        var result = new RebuildResult(run.Reader.BlobsRead, run.Events, run.Quarantined, run.CustomersDone, run.CounterDays.Count, counterRows, run.StaleDeleted);
        LogFinished(request.Tenant, result.BlobsRead, result.Events, result.Quarantined, result.Customers, result.CounterRows, result.StaleDeleted);
        return result;
    }

    // Reads every blob that can hold an event of a counted day, in archive order (so each counter row sees its
    // partition's events in sequence order, as live), noting which customers the range itself holds.
    private async Task ScanAsync(Run run, CancellationToken cancellationToken)
    {
        var request = run.Request;
        var firstDay = request.From.UtcDateTime.Date;
        var lastDayEnd = request.To.UtcDateTime.Date == request.To.UtcDateTime ? request.To.UtcDateTime : request.To.UtcDateTime.Date.AddDays(1);
        var scanEnd = request.LateArrival is { } late ? new DateTimeOffset(lastDayEnd, TimeSpan.Zero) + late : _time.GetUtcNow().AddHours(1);
        var scanStart = new DateTimeOffset(firstDay, TimeSpan.Zero) - request.EarlyArrival;
        var scan = ArchiveWindow.Covering(scanStart, scanEnd > request.To ? scanEnd : request.To);
        foreach (var container in new[] { Storage.Names.RawContainer, Storage.Names.QuarantineContainer })
        {
            var client = container == Storage.Names.RawContainer ? Storage.Raw : Storage.Quarantine;
            var pending = new Queue<Task<ArchiveBlob>>();
            await foreach (var name in scan.ListAsync(client, request.Tenant, cancellationToken).ConfigureAwait(false))
            {
                pending.Enqueue(run.Reader.ReadAsync(container, name, cancellationToken));
                if (pending.Count >= Prefetch)
                {
                    run.Count(await pending.Dequeue().ConfigureAwait(false));
                }
            }

            while (pending.Count > 0)
            {
                run.Count(await pending.Dequeue().ConfigureAwait(false));
            }
        }
    }

    private async Task RebuildCustomersAsync(Run run, CancellationToken cancellationToken)
    {
        var subjects = run.SubjectsInRange.Order(StringComparer.Ordinal).ToList();
        run.CustomersTotal = subjects.Count;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _pipeline.Options.StorageConcurrency / 2), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(subjects, parallel, async (subject, ct) =>
        {
            await RebuildCustomerAsync(run, subject, ct).ConfigureAwait(false);
            run.CustomerDone();
        }).ConfigureAwait(false);
    }

    private async Task RebuildCustomerAsync(Run run, string subject, CancellationToken cancellationToken)
    {
        var history = new CustomerHistory(run.Request.Tenant, subject, _pipeline.Options.RegionFor(run.Request.Tenant));
        var existing = new List<string>();
        var blobs = new SortedSet<(string Container, string Name)>(run.ObservedBlobs(subject));
        await foreach (var row in Storage.Customers.QueryAsync<TableEntity>(e => e.PartitionKey == history.PartitionKey,
            select: ["RowKey", "Container", "Blob"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            existing.Add(row.RowKey);
            if (CustomerPartition.IsSubjectIndex(row.RowKey) && row.GetString("Container") is { } container && row.GetString("Blob") is { } blob
                && (container == Storage.Names.RawContainer || container == Storage.Names.QuarantineContainer))
            {
                blobs.Add((container, blob));
            }
        }

        foreach (var (container, name) in blobs)
        {
            history.Add(await run.Reader.ReadAsync(container, name, cancellationToken).ConfigureAwait(false));
        }

        var entities = history.Entities(_pipeline.Pseudonymizer, _pipeline.Options.RecentActivityLimit);
        foreach (var chunk in entities.Chunk(TableTransactions.MaxActions))
        {
            await Storage.Customers.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), cancellationToken).ConfigureAwait(false);
        }

        var wanted = entities.Select(e => e.RowKey).ToHashSet(StringComparer.Ordinal);
        foreach (var rowKey in existing.Where(k => !wanted.Contains(k)))
        {
            run.StaleDeletedAdd(await DeleteAsync(Storage.Customers, history.PartitionKey, rowKey, cancellationToken).ConfigureAwait(false));
        }

        var identities = history.IdentityRows(_pipeline.Pseudonymizer);
        foreach (var (partitionKey, rowKey) in identities)
        {
            await Storage.Identities.UpsertEntityAsync(new TableEntity(partitionKey, rowKey) { ["Subject"] = subject }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }

        run.Rebuilt(subject, identities);
    }

    // The identity index is keyed by email and phone, so a customer's rows are found by one scan of the tenant's keys.
    private async Task RemoveStaleIdentitiesAsync(Run run, CancellationToken cancellationToken)
    {
        if (run.RebuiltSubjects.IsEmpty)
        {
            return;
        }

        run.Report("identities");
        var tenantPrefix = TableKeys.Escape(run.Request.Tenant) + TableKeys.Separator;
        var stale = new List<(string, string)>();
        await foreach (var row in Storage.Identities.QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo(tenantPrefix) >= 0 && e.PartitionKey.CompareTo(tenantPrefix + "~") < 0,
            select: ["PartitionKey", "RowKey", "Subject"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.GetString("Subject") is { } subject && run.RebuiltSubjects.ContainsKey(TableKeys.Escape(subject)) && !run.Identities.ContainsKey((row.PartitionKey, row.RowKey)))
            {
                stale.Add((row.PartitionKey, row.RowKey));
            }
        }

        foreach (var (partitionKey, rowKey) in stale)
        {
            run.StaleDeletedAdd(await DeleteAsync(Storage.Identities, partitionKey, rowKey, cancellationToken).ConfigureAwait(false));
        }
    }

    // Each day's rows go in a transaction per stream partition; then every other row of the day, in either layout
    // (the earlier layout's rows of every stream partition included), is stale and deleted.
    private async Task<int> WriteCountersAsync(Run run, CancellationToken cancellationToken)
    {
        run.Report("counters");
        var written = 0;
        foreach (var day in run.CounterDays.Order())
        {
            var dayText = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var rows = run.CounterRows.Values.Where(r => r.GetString("Day") == dayText).ToList();
            foreach (var chunk in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal).SelectMany(g => g.Chunk(TableTransactions.MaxActions)))
            {
                await Storage.Counters.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), cancellationToken).ConfigureAwait(false);
            }

            written += rows.Count;
            var wanted = rows.Select(r => (r.PartitionKey, r.RowKey)).ToHashSet();
            var (from, before) = DailyCounters.DayRange(run.Request.Tenant, day);
            var stale = new List<(string PartitionKey, string RowKey)>();
            await foreach (var row in Storage.Counters.QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo(from) >= 0 && e.PartitionKey.CompareTo(before) < 0,
                select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (!wanted.Contains((row.PartitionKey, row.RowKey)))
                {
                    stale.Add((row.PartitionKey, row.RowKey));
                }
            }

            foreach (var (partitionKey, rowKey) in stale)
            {
                run.StaleDeletedAdd(await DeleteAsync(Storage.Counters, partitionKey, rowKey, cancellationToken).ConfigureAwait(false));
            }
        }

        return written;
    }

    private static async Task<int> DeleteAsync(TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken).ConfigureAwait(false);
            return 1;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return 0;
        }
    }

    [LoggerMessage(EventId = 4401, Level = LogLevel.Information, Message = "Rebuilding the views of tenant {Tenant} from the archive of {From:o} to {To:o}")]
    private partial void LogStarted(string tenant, DateTimeOffset from, DateTimeOffset to);

    [LoggerMessage(EventId = 4402, Level = LogLevel.Information, Message = "Rebuilt the views of tenant {Tenant}: {BlobsRead} blobs read, {Events} events, {Quarantined} quarantined, {Customers} customers, {CounterRows} counter rows, {StaleDeleted} stale entities deleted")]
    private partial void LogFinished(string tenant, int blobsRead, long events, long quarantined, int customers, int counterRows, int staleDeleted);

    /// <summary>The state of one rebuild.</summary>
    private sealed class Run(RebuildRequest request, ArchiveReader reader, IProgress<RebuildProgress>? progress)
    {
        private readonly Dictionary<string, HashSet<(string, string)>> _observed = new(StringComparer.Ordinal);
        private int _customersDone;
        private int _staleDeleted;

        public RebuildRequest Request { get; } = request;
        public ArchiveReader Reader { get; } = reader;
        public HashSet<DateOnly> CounterDays { get; } = [.. request.Window.Days()];
        public Dictionary<(string, string), TableEntity> CounterRows { get; } = [];
        public HashSet<string> SubjectsInRange { get; } = new(StringComparer.Ordinal);
        public ConcurrentDictionary<string, bool> RebuiltSubjects { get; } = new(StringComparer.Ordinal);
        public ConcurrentDictionary<(string, string), bool> Identities { get; } = new();
        public long Events { get; private set; }
        public long Quarantined { get; private set; }
        public int CustomersTotal { get; set; }
        public int CustomersDone => Volatile.Read(ref _customersDone);
        public int StaleDeleted => Volatile.Read(ref _staleDeleted);

        public IEnumerable<(string, string)> ObservedBlobs(string subject) => _observed.GetValueOrDefault(subject) ?? [];

        public void Count(ArchiveBlob blob)
        {
            var inRange = ArchiveWindow.HourOf(blob.Name) is { } hour && Request.Window.Contains(hour);
            foreach (var archived in blob.Events.Where(e => e.Tenant == Request.Tenant))
            {
                Observe(archived.Subject, blob, inRange);
                var e = archived.Prepared.Event;
                Increment(new CounterIncrement(e.Tenant, DateOnly.FromDateTime(e.Time.UtcDateTime), e.Type, archived.Position), inRange, isQuarantine: false);
            }

            foreach (var record in blob.Quarantined.Where(r => r.Tenant == Request.Tenant))
            {
                if (record.Subject is { } subject)
                {
                    Observe(subject, blob, inRange);
                }

                Increment(new CounterIncrement(Request.Tenant, DateOnly.FromDateTime(record.EnqueuedTime.UtcDateTime), DailyCounters.QuarantinePrefix + record.Reason,
                    new StreamPosition(record.StreamPartition, record.StreamSequence)), inRange, isQuarantine: true);
            }

            Report("scan");
        }

        public void CustomerDone()
        {
            Interlocked.Increment(ref _customersDone);
            Report("customers");
        }

        public void Rebuilt(string subject, IEnumerable<(string, string)> identities)
        {
            RebuiltSubjects[TableKeys.Escape(subject)] = true;
            foreach (var identity in identities)
            {
                Identities[identity] = true;
            }
        }

        public void StaleDeletedAdd(int count) => Interlocked.Add(ref _staleDeleted, count);

        public void Report(string phase) =>
            progress?.Report(new RebuildProgress(phase, Reader.BlobsRead, Events, Quarantined, CustomersDone, CustomersTotal));

        private void Observe(string subject, ArchiveBlob blob, bool inRange)
        {
            if (inRange)
            {
                SubjectsInRange.Add(subject);
            }

            if (!_observed.TryGetValue(subject, out var blobs))
            {
                blobs = [];
                _observed[subject] = blobs;
            }

            blobs.Add((blob.Container, blob.Name));
        }

        private void Increment(CounterIncrement increment, bool inRange, bool isQuarantine)
        {
            if (inRange)
            {
                if (isQuarantine)
                {
                    Quarantined++;
                }
                else
                {
                    Events++;
                }
            }

            if (!CounterDays.Contains(increment.Day))
            {
                return;
            }

            var row = DailyCounters.NewRow(increment);
            if (!CounterRows.TryGetValue((row.PartitionKey, row.RowKey), out var counter))
            {
                counter = row;
                CounterRows[(row.PartitionKey, row.RowKey)] = counter;
            }

            DailyCounters.Count(counter, [increment]);
        }
    }
}
