using Microsoft.Extensions.Logging;
using Serverless.Pipeline.Archive;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Dedupe;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Preparation;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Suppression;
using Serverless.Pipeline.Telemetry;
using Serverless.Pipeline.Views;

namespace Serverless.Pipeline.Processing;

/// <summary>
/// The processing stage for one batch of one stream partition, as Event Hubs delivers it: prepare every event, record
/// the identity index, write each customer's views with the claims of its events' ids (dropping the duplicates the
/// claims reveal), then archive raw and quarantined events and count them. Every write is idempotent, so when a batch
/// fails part way the host redelivers it and the end state is that of one clean run.
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
    private readonly SuppressionFilter _suppressionFilter;
    private readonly Keys.Pseudonymizer _pseudonymizer;
    private readonly PipelineOptions _options;
    private readonly PoisonIsolation _isolation;
    private readonly Enrichment.ReferenceTables _references;
    private readonly TimeProvider _time;
    private readonly ILogger<BatchProcessor> _logger;

    public BatchProcessor(EventPreparer preparer, PipelineStorage storage, Keys.Pseudonymizer pseudonymizer, SuppressionList suppressions,
        PipelineOptions options, TimeProvider time, ILogger<BatchProcessor> logger)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(options);
        _preparer = preparer;
        _storage = storage;
        _options = options;
        _time = time;
        _logger = logger;
        _ledger = new EventIdLedger(storage.EventIds, time);
        _customers = new CustomerViewWriter(storage.Customers, storage.Names.RawContainer, pseudonymizer, options.RecentActivityLimit);
        _counters = new DailyCounters(storage.Counters);
        _identities = new IdentityIndex(storage.Identities, pseudonymizer, time);
        _suppressions = suppressions;
        _suppressionFilter = new SuppressionFilter(suppressions, pseudonymizer);
        _pseudonymizer = pseudonymizer;
        _isolation = new PoisonIsolation(WriteCustomerAsync, options.PoisonRetryBackoff, logger);
        _references = new Enrichment.ReferenceTables(storage.Reference, time, options.Enrichment, logger);
    }

    public async Task<BatchResult> ProcessAsync(IReadOnlyList<IncomingEvent> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return new BatchResult([], [], []);
        }

        using var telemetry = BatchTelemetry.Start(batch, _time);
        var outcomes = new EventOutcome[batch.Count];
        var (accepted, rejected) = Prepare(batch, outcomes);
        telemetry.Link(accepted.Select(a => a.Event.Event).Concat(rejected.Select(r => r.Event.Event)));
        var result = await StoreAsync(batch, accepted, rejected, outcomes, cancellationToken).ConfigureAwait(false);
        telemetry.Complete(result);
        return result;
    }

    /// <summary>
    /// The storage half alone, for events prepared beforehand: what the load benchmark times as storage's ceiling.
    /// </summary>
    internal async Task<BatchResult> StorePreparedAsync(IReadOnlyList<IncomingEvent> batch, IReadOnlyList<PreparedEvent> prepared, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(prepared);
        using var telemetry = BatchTelemetry.Start(batch, _time);
        var accepted = prepared.Select((p, i) => (i, p)).ToList();
        telemetry.Link(prepared.Select(p => p.Event));
        var result = await StoreAsync(batch, accepted, [], new EventOutcome[prepared.Count], cancellationToken).ConfigureAwait(false);
        telemetry.Complete(result);
        return result;
    }

    private async Task<BatchResult> StoreAsync(IReadOnlyList<IncomingEvent> batch, List<(int Index, PreparedEvent Event)> accepted,
        List<(int Index, RejectedEvent Event)> rejected, EventOutcome[] outcomes, CancellationToken cancellationToken)
    {
        // Suppression comes before anything is written: an erased person's event, valid or not, is stored nowhere.
        // The batch is in flight from this read of the list to its last write, which an erasure in this process waits for.
        using var inFlight = _suppressions.EnterBatch();
        var unsuppressed = await _suppressionFilter.KeepUnsuppressedAsync(accepted, outcomes, cancellationToken).ConfigureAwait(false);
        rejected = await _suppressionFilter.KeepUnsuppressedAsync(rejected, outcomes, cancellationToken).ConfigureAwait(false);
        await _references.ResolveAsync(unsuppressed.Select(a => a.Event.Enrichments), cancellationToken).ConfigureAwait(false);
        var stored = await DropDuplicatesAsync(unsuppressed, outcomes, cancellationToken).ConfigureAwait(false);

        var first = batch[0].Position;
        var last = batch[^1].Position;
        var enqueued = batch[0].EnqueuedTime;
        string BlobName(string tenant) => BlobBatchNames.For(tenant, enqueued, first, last);

        // The identity index first, for the whole batch in a few transactions: a row that names a customer before its
        // views exist costs an erasure nothing, and a poison event's identifiers end up in quarantine, which it must find.
        // Then each customer's views, with the claims of its events' ids in the same transaction: the subject index
        // names a blob before the blob holds the customer's data, so an erasure never misses one, the events found to
        // be duplicates or poison are known before any blob is written, and an event whose views can never be written
        // is moved to quarantine before any of it is archived. Blob names depend only on the batch, so they are known
        // before the blobs are written.
        var subjects = SubjectBatches(stored, rejected, BlobName);
        await _identities.RecordAsync(subjects, _options.StorageConcurrency, cancellationToken).ConfigureAwait(false);
        var (poisoned, duplicates) = await UpdateCustomersAsync(subjects, cancellationToken).ConfigureAwait(false);
        if (duplicates.Count > 0)
        {
            DropClaimedElsewhere(duplicates, stored, outcomes);
        }

        if (poisoned.Count > 0)
        {
            await QuarantinePoisonAsync(poisoned, stored, rejected, outcomes, BlobName, cancellationToken).ConfigureAwait(false);
        }

        var rawBlobs = stored.Select(s => s.Event.Event.Tenant).Distinct(StringComparer.Ordinal).ToDictionary(t => t, BlobName, StringComparer.Ordinal);
        var quarantineBlobs = rejected.Select(r => TenantOf(r.Event)).Distinct(StringComparer.Ordinal).ToDictionary(t => t, BlobName, StringComparer.Ordinal);
        await Task.WhenAll(
            WriteRawAsync(stored, rawBlobs, cancellationToken),
            WriteQuarantineAsync(rejected, quarantineBlobs, cancellationToken),
            _counters.AddAsync(Increments(stored, rejected), Math.Max(1, _options.StorageConcurrency / 4), cancellationToken)).ConfigureAwait(false);

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
                if (rejection.Rejection.Reason == RejectionReason.ProcessingFailed)
                {
                    LogPreparationFailed(rejection.Rejection.Violations[0].Message, batch[i].Position.PartitionId, batch[i].Position.SequenceNumber);
                }

                rejected.Add((i, rejection));
                outcomes[i] = new EventOutcome(i, EventDisposition.Quarantined, rejection.Event?.Id, rejection.Rejection.Reason);
            }
        }

        return (accepted, rejected);
    }

    // Duplicates within the batch, and those the earlier ledger knows while it is still claimed (after an upgrade);
    // every other duplicate is found by its claim in the customer's partition, when the views are written.
    private async Task<List<(int Index, PreparedEvent Event)>> DropDuplicatesAsync(List<(int Index, PreparedEvent Event)> accepted, EventOutcome[] outcomes, CancellationToken cancellationToken)
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

        IReadOnlyList<ClaimResult>? results = null;
        using (var step = BatchTelemetry.StartStep(PipelineTelemetry.Activities.ClaimEventIds))
        {
            step?.SetTag(PipelineTelemetry.Tags.Claims, candidates.Count);
            if (candidates.Count > 0 && await _ledger.StillClaimedAsync(cancellationToken).ConfigureAwait(false))
            {
                var claims = candidates.Select(c => new EventClaim(c.Event.Event.Tenant, c.Event.Event.Id, c.Event.Incoming.Position)).ToList();
                results = await _ledger.ClaimAsync(claims, _options.StorageConcurrency, cancellationToken).ConfigureAwait(false);
            }
        }

        var stored = new List<(int Index, PreparedEvent Event)>(candidates.Count);
        for (var k = 0; k < candidates.Count; k++)
        {
            var (index, prepared) = candidates[k];
            var disposition = results?[k] == ClaimResult.Duplicate ? EventDisposition.Duplicate : EventDisposition.Stored;
            outcomes[index] = new EventOutcome(index, disposition, prepared.Event.Id, null);
            if (disposition == EventDisposition.Stored)
            {
                stored.Add((index, prepared));
            }
        }

        return stored;
    }

    // Events another stream position had claimed, found when their customers' views were written: stored nowhere.
    private static void DropClaimedElsewhere(IReadOnlyCollection<PreparedEvent> duplicates, List<(int Index, PreparedEvent Event)> stored, EventOutcome[] outcomes)
    {
        var dropped = new HashSet<PreparedEvent>(duplicates, ReferenceEqualityComparer.Instance);
        foreach (var (index, prepared) in stored.Where(s => dropped.Contains(s.Event)))
        {
            outcomes[index] = new EventOutcome(index, EventDisposition.Duplicate, prepared.Event.Id, null);
        }

        stored.RemoveAll(s => dropped.Contains(s.Event));
    }

    private async Task WriteRawAsync(List<(int Index, PreparedEvent Event)> stored, Dictionary<string, string> names, CancellationToken cancellationToken)
    {
        using var step = BatchTelemetry.StartStep(PipelineTelemetry.Activities.WriteRawBlobs);
        BatchTelemetry.TagBlobs(step, PipelineTelemetry.Tags.RawBlobs, _storage.Raw.Name, names.Values);
        await Task.WhenAll(stored.GroupBy(s => s.Event.Event.Tenant, StringComparer.Ordinal).Select(g =>
            GzipJsonLines.WriteOnceAsync(_storage.Raw, names[g.Key], g.Select(s => s.Event).ToList(), RawArchive.WriteLine, cancellationToken))).ConfigureAwait(false);
    }

    private async Task WriteQuarantineAsync(List<(int Index, RejectedEvent Event)> rejected, Dictionary<string, string> names, CancellationToken cancellationToken)
    {
        var byTenant = rejected.OrderBy(r => r.Index).Select(r => r.Event).GroupBy(TenantOf, StringComparer.Ordinal).ToList();
        using var step = BatchTelemetry.StartStep(PipelineTelemetry.Activities.WriteQuarantineBlobs);
        BatchTelemetry.TagBlobs(step, PipelineTelemetry.Tags.QuarantineBlobs, _storage.Quarantine.Name, names.Values);
        await Task.WhenAll(byTenant.Select(g =>
            GzipJsonLines.WriteOnceAsync(_storage.Quarantine, names[g.Key], g.Select(QuarantineRecord.From).ToList(), QuarantineStore.WriteLine, cancellationToken))).ConfigureAwait(false);
        foreach (var group in byTenant)
        {
            LogQuarantined(group.Key, group.Count(), names[group.Key]);
        }
    }

    private static List<CounterIncrement> Increments(List<(int Index, PreparedEvent Event)> stored, List<(int Index, RejectedEvent Event)> rejected) =>
        stored
            .Select(s => new CounterIncrement(s.Event.Event.Tenant, DateOnly.FromDateTime(s.Event.Event.Time.UtcDateTime), s.Event.Event.Type, s.Event.Incoming.Position))
            .Concat(rejected.Select(r => new CounterIncrement(TenantOf(r.Event), DateOnly.FromDateTime(r.Event.Incoming.EnqueuedTime.UtcDateTime),
                DailyCounters.QuarantinePrefix + r.Event.Rejection.Reason, r.Event.Incoming.Position)))
            .ToList();

    private async Task<(List<(PreparedEvent Event, Violation Why)> Poisoned, List<PreparedEvent> Duplicates)> UpdateCustomersAsync(List<SubjectBatch> subjects,
        CancellationToken cancellationToken)
    {
        var poisoned = new System.Collections.Concurrent.ConcurrentBag<(PreparedEvent, Violation)>();
        var duplicates = new System.Collections.Concurrent.ConcurrentBag<PreparedEvent>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.StorageConcurrency, CancellationToken = cancellationToken };
        using var step = BatchTelemetry.StartStep(PipelineTelemetry.Activities.UpdateViews);
        BatchTelemetry.TagCustomers(step, subjects, _pseudonymizer);
        await Parallel.ForEachAsync(subjects, parallel, async (subject, ct) =>
        {
            var written = await _isolation.WriteAsync(subject, ct).ConfigureAwait(false);
            foreach (var poison in written.Poison)
            {
                poisoned.Add(poison);
            }

            foreach (var duplicate in written.Duplicates)
            {
                duplicates.Add(duplicate);
            }
        }).ConfigureAwait(false);
        return ([.. poisoned], [.. duplicates]);
    }

    private Task<IReadOnlyList<PreparedEvent>> WriteCustomerAsync(SubjectBatch subject, CancellationToken cancellationToken) => _customers.WriteAsync(subject, cancellationToken);

    // A poison event leaves the stored set for quarantine: its claim is given up (so a replay after the fix is not a
    // duplicate) and its customer's subject index names the quarantine blob that will hold it.
    private async Task QuarantinePoisonAsync(List<(PreparedEvent Event, Violation Why)> poisoned, List<(int Index, PreparedEvent Event)> stored,
        List<(int Index, RejectedEvent Event)> rejected, EventOutcome[] outcomes, Func<string, string> blobName, CancellationToken cancellationToken)
    {
        var why = poisoned.ToDictionary<(PreparedEvent Event, Violation Why), PreparedEvent, Violation>(p => p.Event, p => p.Why, ReferenceEqualityComparer.Instance);
        foreach (var (index, prepared) in stored.Where(s => why.ContainsKey(s.Event)))
        {
            rejected.Add((index, new RejectedEvent(prepared.Incoming, new Rejection(RejectionReason.PoisonEvent, [why[prepared]]), prepared.Event)));
            outcomes[index] = new EventOutcome(index, EventDisposition.Quarantined, prepared.Event.Id, RejectionReason.PoisonEvent);
            await _customers.ReleaseClaimAsync(prepared.Event.Tenant, prepared.Event.Subject, prepared.Event.Id, prepared.Incoming.Position, cancellationToken).ConfigureAwait(false);
            if (await _ledger.StillClaimedAsync(cancellationToken).ConfigureAwait(false))
            {
                await _ledger.ReleaseAsync(new EventClaim(prepared.Event.Tenant, prepared.Event.Id, prepared.Incoming.Position), cancellationToken).ConfigureAwait(false);
            }

            LogPoison(prepared.Event.Tenant, prepared.Incoming.Position.PartitionId, prepared.Incoming.Position.SequenceNumber);
        }

        stored.RemoveAll(s => why.ContainsKey(s.Event));

        // The index row names the quarantine blob with all the customer's events in it, those rejected before included.
        foreach (var subject in poisoned.Select(p => (p.Event.Event.Tenant, p.Event.Event.Subject)).Distinct())
        {
            var count = rejected.Count(r => r.Event.Event is { } e && (e.Tenant, e.Subject) == subject);
            var reference = new BlobRef(_storage.Names.QuarantineContainer, blobName(subject.Tenant), count);
            await _customers.WriteAsync(new SubjectBatch(subject.Tenant, subject.Subject, [], [reference]), cancellationToken).ConfigureAwait(false);
        }
    }

    private List<SubjectBatch> SubjectBatches(List<(int Index, PreparedEvent Event)> stored, List<(int Index, RejectedEvent Event)> rejected, Func<string, string> blobName)
    {
        var storedBySubject = stored.Select(s => s.Event).GroupBy(p => (p.Event.Tenant, p.Event.Subject)).ToDictionary(g => g.Key, g => g.ToList());
        var rejectedBySubject = rejected
            .Where(r => r.Event.Event is not null)
            .GroupBy(r => (r.Event.Event!.Tenant, r.Event.Event.Subject))
            .ToDictionary(g => g.Key, g => g.Select(r => r.Event.Identifiers).ToList());
        return storedBySubject.Keys.Union(rejectedBySubject.Keys).Select(key =>
        {
            var events = storedBySubject.GetValueOrDefault(key) ?? [];
            var blobs = new List<BlobRef>(2);
            if (events.Count > 0)
            {
                blobs.Add(new BlobRef(_storage.Names.RawContainer, blobName(key.Tenant), events.Count));
            }

            var quarantined = rejectedBySubject.GetValueOrDefault(key) ?? [];
            if (quarantined.Count > 0)
            {
                blobs.Add(new BlobRef(_storage.Names.QuarantineContainer, blobName(key.Tenant), quarantined.Count));
            }

            return new SubjectBatch(key.Tenant, key.Subject, events, blobs) { Quarantined = quarantined };
        }).ToList();
    }

    // Events rejected before their tenant was known are kept under a name no tenant can have.
    private static string TenantOf(RejectedEvent rejected) => rejected.Event?.Tenant ?? "_unknown";

    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "Processed batch of partition {PartitionId} [{FirstSequence}..{LastSequence}]: {Received} received, {Stored} stored, {Quarantined} quarantined, {Duplicates} duplicates, {Suppressed} suppressed")]
    private partial void LogBatch(string partitionId, long firstSequence, long lastSequence, int received, int stored, int quarantined, int duplicates, int suppressed);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Error, Message = "{Failure} (the event at partition {PartitionId} sequence {Sequence}); it goes to quarantine")]
    private partial void LogPreparationFailed(string failure, string partitionId, long sequence);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Error, Message = "Poison event of tenant {Tenant} at partition {PartitionId} sequence {Sequence}: its views could not be written; it goes to quarantine")]
    private partial void LogPoison(string tenant, string partitionId, long sequence);

    [LoggerMessage(EventId = 4304, Level = LogLevel.Warning, Message = "Quarantined {Count} events of tenant {Tenant} in {Blob}")]
    private partial void LogQuarantined(string tenant, int count, string blob);
}
