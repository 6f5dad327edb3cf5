using Microsoft.Extensions.Logging;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Dedupe;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Privacy.Suppression;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Views;

namespace Serverless.Pipeline.Processing;

/// <summary>
/// The processing stage for one batch of one stream partition, as Event Hubs delivers it: prepare every event, drop
/// duplicates, archive raw and quarantined events, then update the hot views. Every write is idempotent, so when a
/// batch fails part way the host redelivers it and the end state is that of one clean run.
/// </summary>
public sealed partial class BatchProcessor
{
    private readonly EventPreparer _preparer;
    private readonly PipelineStorage _storage;
    private readonly EventIdLedger _ledger;
    private readonly CustomerViewWriter _customers;
    private readonly DailyCounters _counters;
    private readonly IdentityIndex _identities;
    private readonly SuppressionList _suppressions;
    private readonly Privacy.Pseudonymizer _pseudonymizer;
    private readonly PipelineOptions _options;
    private readonly ILogger<BatchProcessor> _logger;

    public BatchProcessor(EventPreparer preparer, PipelineStorage storage, Privacy.Pseudonymizer pseudonymizer, SuppressionList suppressions,
        PipelineOptions options, TimeProvider time, ILogger<BatchProcessor> logger)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(options);
        _preparer = preparer;
        _storage = storage;
        _options = options;
        _logger = logger;
        _ledger = new EventIdLedger(storage.EventIds, time);
        _customers = new CustomerViewWriter(storage.Customers, storage.Names.RawContainer, pseudonymizer, options.RecentActivityLimit);
        _counters = new DailyCounters(storage.Counters);
        _identities = new IdentityIndex(storage.Identities, pseudonymizer);
        _suppressions = suppressions;
        _pseudonymizer = pseudonymizer;
    }

    public async Task<BatchResult> ProcessAsync(IReadOnlyList<IncomingEvent> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return new BatchResult([], [], []);
        }

        var outcomes = new EventOutcome[batch.Count];
        var (accepted, rejected) = Prepare(batch, outcomes);
        return await StoreAsync(batch, accepted, rejected, outcomes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The storage half alone, for events prepared beforehand: what the load benchmark times as storage's ceiling.
    /// </summary>
    public Task<BatchResult> StorePreparedAsync(IReadOnlyList<IncomingEvent> batch, IReadOnlyList<PreparedEvent> prepared, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(prepared);
        var accepted = prepared.Select((p, i) => (i, p)).ToList();
        return StoreAsync(batch, accepted, [], new EventOutcome[prepared.Count], cancellationToken);
    }

    private async Task<BatchResult> StoreAsync(IReadOnlyList<IncomingEvent> batch, List<(int Index, PreparedEvent Event)> accepted,
        List<(int Index, RejectedEvent Event)> rejected, EventOutcome[] outcomes, CancellationToken cancellationToken)
    {
        var unsuppressed = await DropSuppressedAsync(accepted, outcomes, cancellationToken).ConfigureAwait(false);
        var stored = await DropDuplicatesAsync(unsuppressed, outcomes, cancellationToken).ConfigureAwait(false);

        var first = batch[0].Position;
        var last = batch[^1].Position;
        var enqueued = batch[0].EnqueuedTime;
        var rawBlobs = await WriteRawAsync(stored, enqueued, first, last, cancellationToken).ConfigureAwait(false);
        var quarantineBlobs = await WriteQuarantineAsync(rejected, enqueued, first, last, cancellationToken).ConfigureAwait(false);

        await UpdateViewsAsync(stored, rejected, rawBlobs, quarantineBlobs, cancellationToken).ConfigureAwait(false);

        var result = new BatchResult(outcomes, [.. rawBlobs.Values], [.. quarantineBlobs.Values]);
        LogBatch(first.PartitionId, first.SequenceNumber, last.SequenceNumber, result.Received, result.Stored, result.Quarantined, result.Duplicates, result.Suppressed);
        return result;
    }

    private (List<(int Index, PreparedEvent Event)> Accepted, List<(int Index, RejectedEvent Event)> Rejected) Prepare(IReadOnlyList<IncomingEvent> batch, EventOutcome[] outcomes)
    {
        var accepted = new List<(int, PreparedEvent)>(batch.Count);
        var rejected = new List<(int, RejectedEvent)>();
        for (var i = 0; i < batch.Count; i++)
        {
            var preparation = _preparer.Prepare(batch[i]);
            if (preparation.Prepared is { } prepared)
            {
                accepted.Add((i, prepared));
            }
            else
            {
                var rejection = preparation.Rejected!;
                rejected.Add((i, rejection));
                outcomes[i] = new EventOutcome(i, EventDisposition.Quarantined, rejection.Event?.Id, rejection.Rejection.Reason);
            }
        }

        return (accepted, rejected);
    }

    private async Task<List<(int Index, PreparedEvent Event)>> DropSuppressedAsync(List<(int Index, PreparedEvent Event)> accepted, EventOutcome[] outcomes, CancellationToken cancellationToken)
    {
        var kept = new List<(int Index, PreparedEvent Event)>(accepted.Count);
        foreach (var (index, prepared) in accepted)
        {
            var e = prepared.Event;
            if (await _suppressions.IsSuppressedAsync(e.Tenant, SubjectKeys.Of(_pseudonymizer, e.Tenant, e.Subject, prepared.Contact), cancellationToken).ConfigureAwait(false))
            {
                outcomes[index] = new EventOutcome(index, EventDisposition.Suppressed, e.Id, null);
            }
            else
            {
                kept.Add((index, prepared));
            }
        }

        return kept;
    }

    private async Task<List<PreparedEvent>> DropDuplicatesAsync(List<(int Index, PreparedEvent Event)> accepted, EventOutcome[] outcomes, CancellationToken cancellationToken)
    {
        var firstSeen = new HashSet<(string, string)>();
        var candidates = new List<(int Index, PreparedEvent Event)>(accepted.Count);
        foreach (var (index, prepared) in accepted)
        {
            if (firstSeen.Add((prepared.Event.Tenant, prepared.Event.Id)))
            {
                candidates.Add((index, prepared));
            }
            else
            {
                outcomes[index] = new EventOutcome(index, EventDisposition.Duplicate, prepared.Event.Id, null);
            }
        }

        var claims = candidates.Select(c => new EventClaim(c.Event.Event.Tenant, c.Event.Event.Id, c.Event.Incoming.Position)).ToList();
        var results = await _ledger.ClaimAsync(claims, _options.StorageConcurrency, cancellationToken).ConfigureAwait(false);
        var stored = new List<PreparedEvent>(candidates.Count);
        for (var k = 0; k < candidates.Count; k++)
        {
            var (index, prepared) = candidates[k];
            var disposition = results[k] == ClaimResult.Duplicate ? EventDisposition.Duplicate : EventDisposition.Stored;
            outcomes[index] = new EventOutcome(index, disposition, prepared.Event.Id, null);
            if (disposition == EventDisposition.Stored)
            {
                stored.Add(prepared);
            }
        }

        return stored;
    }

    private async Task<Dictionary<string, string>> WriteRawAsync(List<PreparedEvent> stored, DateTimeOffset enqueued, StreamPosition first, StreamPosition last, CancellationToken cancellationToken)
    {
        var byTenant = stored.GroupBy(p => p.Event.Tenant, StringComparer.Ordinal).ToList();
        var names = byTenant.ToDictionary(g => g.Key, g => BlobBatchNames.For(g.Key, enqueued, first, last), StringComparer.Ordinal);
        await Task.WhenAll(byTenant.Select(g =>
            GzipJsonLines.WriteOnceAsync(_storage.Raw, names[g.Key], g.ToList(), RawArchive.WriteLine, cancellationToken))).ConfigureAwait(false);
        return names;
    }

    private async Task<Dictionary<string, string>> WriteQuarantineAsync(List<(int Index, RejectedEvent Event)> rejected, DateTimeOffset enqueued, StreamPosition first, StreamPosition last, CancellationToken cancellationToken)
    {
        var byTenant = rejected.Select(r => r.Event).GroupBy(TenantOf, StringComparer.Ordinal).ToList();
        var names = byTenant.ToDictionary(g => g.Key, g => BlobBatchNames.For(g.Key, enqueued, first, last), StringComparer.Ordinal);
        await Task.WhenAll(byTenant.Select(g =>
            GzipJsonLines.WriteOnceAsync(_storage.Quarantine, names[g.Key], g.Select(QuarantineRecord.From).ToList(), QuarantineStore.WriteLine, cancellationToken))).ConfigureAwait(false);
        foreach (var group in byTenant)
        {
            LogQuarantined(group.Key, group.Count(), names[group.Key]);
        }

        return names;
    }

    private async Task UpdateViewsAsync(List<PreparedEvent> stored, List<(int Index, RejectedEvent Event)> rejected,
        Dictionary<string, string> rawBlobs, Dictionary<string, string> quarantineBlobs, CancellationToken cancellationToken)
    {
        var subjects = SubjectBatches(stored, rejected, rawBlobs, quarantineBlobs);
        var increments = stored
            .Select(p => new CounterIncrement(p.Event.Tenant, DateOnly.FromDateTime(p.Event.Time.UtcDateTime), p.Event.Type, p.Incoming.Position))
            .Concat(rejected.Select(r => new CounterIncrement(TenantOf(r.Event), DateOnly.FromDateTime(r.Event.Incoming.EnqueuedTime.UtcDateTime),
                DailyCounters.QuarantinePrefix + r.Event.Rejection.Reason, r.Event.Incoming.Position)))
            .ToList();

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.StorageConcurrency, CancellationToken = cancellationToken };
        var customersTask = Parallel.ForEachAsync(subjects, parallel, async (subject, ct) =>
        {
            await _customers.WriteAsync(subject, ct).ConfigureAwait(false);
            await _identities.RecordAsync(subject, ct).ConfigureAwait(false);
        });
        var countersTask = _counters.AddAsync(increments, Math.Max(1, _options.StorageConcurrency / 4), cancellationToken);
        await Task.WhenAll(customersTask, countersTask).ConfigureAwait(false);
    }

    private List<SubjectBatch> SubjectBatches(List<PreparedEvent> stored, List<(int Index, RejectedEvent Event)> rejected,
        Dictionary<string, string> rawBlobs, Dictionary<string, string> quarantineBlobs)
    {
        var storedBySubject = stored.GroupBy(p => (p.Event.Tenant, p.Event.Subject)).ToDictionary(g => g.Key, g => g.ToList());
        var rejectedBySubject = rejected
            .Where(r => r.Event.Event is not null)
            .GroupBy(r => (r.Event.Event!.Tenant, r.Event.Event.Subject))
            .ToDictionary(g => g.Key, g => g.Count());
        return storedBySubject.Keys.Union(rejectedBySubject.Keys).Select(key =>
        {
            var events = storedBySubject.GetValueOrDefault(key) ?? [];
            var blobs = new List<BlobRef>(2);
            if (events.Count > 0)
            {
                blobs.Add(new BlobRef(_storage.Names.RawContainer, rawBlobs[key.Tenant], events.Count));
            }

            if (rejectedBySubject.TryGetValue(key, out var rejectedCount))
            {
                blobs.Add(new BlobRef(_storage.Names.QuarantineContainer, quarantineBlobs[key.Tenant], rejectedCount));
            }

            return new SubjectBatch(key.Tenant, key.Subject, events, blobs);
        }).ToList();
    }

    // Events rejected before their tenant was known are kept under a name no tenant can have.
    private static string TenantOf(RejectedEvent rejected) => rejected.Event?.Tenant ?? "_unknown";

    [LoggerMessage(Level = LogLevel.Information, Message = "Processed batch of partition {PartitionId} [{FirstSequence}..{LastSequence}]: {Received} received, {Stored} stored, {Quarantined} quarantined, {Duplicates} duplicates, {Suppressed} suppressed")]
    private partial void LogBatch(string partitionId, long firstSequence, long lastSequence, int received, int stored, int quarantined, int duplicates, int suppressed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Quarantined {Count} events of tenant {Tenant} in {Blob}")]
    private partial void LogQuarantined(string tenant, int count, string blob);
}
