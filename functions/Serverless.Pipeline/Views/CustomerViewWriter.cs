using Azure;
using Azure.Data.Tables;
using Serverless.Pipeline.Dedupe;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Preparation;
using Serverless.Pipeline.Storage;

namespace Serverless.Pipeline.Views;

/// <summary>
/// Writes one customer's views for one batch and claims the ids of its events. Everything about a customer lives in
/// one Table partition, so the profile (guarded by its ETag), the event-id claims (inserts: see <see cref="ClaimRows"/>),
/// the subject-index rows, the new activity rows and the deletes that keep activity bounded usually go in a single
/// transaction: the claims and the views commit together or not at all. The profile is read first only when this
/// instance did not write it last (then it keeps what it wrote, per stream partition) and the customer is not likely
/// new: so usually one request per customer per batch, dedupe included.
/// </summary>
public sealed class CustomerViewWriter
{
    private const int MaxAttempts = 8;
    private readonly TableClient _table;
    private readonly Pseudonymizer _pseudonymizer;
    private readonly int _activityLimit;
    private readonly string _rawContainer;

    // The profiles this instance wrote last, by stream partition and customer, as written and with the ETag they got.
    private readonly BoundedCache<(string StreamPartition, string PartitionKey), TableEntity> _profiles;
    private readonly NewCustomerOdds _newCustomers = new();

    public CustomerViewWriter(TableClient table, string rawContainer, Pseudonymizer pseudonymizer, int activityLimit, int profileCacheCapacity = 5_000)
    {
        _profiles = new BoundedCache<(string, string), TableEntity>(profileCacheCapacity);
        _table = table;
        _rawContainer = rawContainer;
        _pseudonymizer = pseudonymizer;
        _activityLimit = activityLimit;
    }

    /// <summary>
    /// Writes the customer's views and claims its events' ids; returns the events whose ids another stream position
    /// had claimed (duplicates), which are left out of the views and of the subject index's count.
    /// </summary>
    public async Task<IReadOnlyList<PreparedEvent>> WriteAsync(SubjectBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var partitionKey = TableKeys.Customer(batch.Tenant, batch.Subject);
        if (batch.Events.Count == 0)
        {
            await SubmitInChunksAsync(IndexRows(partitionKey, batch).ToList(), cancellationToken).ConfigureAwait(false);
            return [];
        }

        var streamPartition = batch.Events[0].Incoming.Position.PartitionId;
        var claims = new Dictionary<string, ClaimResult>(StringComparer.Ordinal);
        var deletesApart = false;
        var mustRead = false;
        for (var attempt = 1; ; attempt++)
        {
            var (current, duplicates) = WithoutDuplicates(batch, claims);
            if (current.Events.Count == 0)
            {
                await SubmitInChunksAsync(IndexRows(partitionKey, current).ToList(), cancellationToken).ConfigureAwait(false);
                return duplicates;
            }

            var unclaimed = current.Events.Where(e => !claims.ContainsKey(e.Event.Id)).ToList();
            if (unclaimed.Count > 0 && unclaimed.Count + 1 + current.Blobs.Count + current.Events.Count > TableTransactions.MaxActions)
            {
                // The views will not fit in one transaction with the claims: the claims go first, on their own, so that
                // no view ever counts an event whose id is not claimed (a crash between the two is a redelivery).
                mustRead |= await ClaimApartAsync(partitionKey, unclaimed, claims, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var (before, source) = await ProfileBeforeAsync(streamPartition, partitionKey, mustRead, cancellationToken).ConfigureAwait(false);
            var profile = CustomerProfile.Fold(before, partitionKey, current, _pseudonymizer);
            var (upserts, deletes) = PlanActivity(partitionKey, current, profile);
            var profileAction = before is null
                ? new TableTransactionAction(TableTransactionActionType.Add, profile)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, profile, before.ETag);
            var actions = new List<TableTransactionAction> { profileAction };
            actions.AddRange(unclaimed.Select(e => new TableTransactionAction(TableTransactionActionType.Add,
                ClaimRows.ToEntity(partitionKey, e.Event.Id, e.Incoming.Position, e.Incoming.EnqueuedTime))));
            actions.AddRange(IndexRows(partitionKey, current));
            actions.AddRange(upserts);
            var fitsInOne = !deletesApart && actions.Count + deletes.Count <= TableTransactions.MaxActions;
            if (fitsInOne)
            {
                actions.AddRange(deletes.Select(rowKey => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partitionKey, rowKey), ETag.All)));
            }

            try
            {
                var written = await _table.SubmitTransactionAsync(actions.Take(TableTransactions.MaxActions), cancellationToken).ConfigureAwait(false);
                RememberProfile(streamPartition, profile, written.Value[0].Headers.ETag);
                ObserveAssumption(source, streamPartition, wasNew: true);
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // A claim existed (a redelivery or a duplicate: read the claims and settle them), or another writer
                // changed the profile since we read or cached it, or it existed where we assumed it new (read it again
                // and fold again). The failed action tells which, when storage says.
                var failed = ex.FailedTransactionActionIndex;
                var onClaim = failed is >= 1 && failed <= unclaimed.Count;
                if (failed is null || onClaim)
                {
                    mustRead |= await ClassifyAsync(partitionKey, unclaimed, claims, cancellationToken).ConfigureAwait(false);
                }

                if (!onClaim)
                {
                    ForgetProfile(streamPartition, partitionKey);
                    ObserveAssumption(source, streamPartition, wasNew: false);
                    mustRead = true;
                }

                continue;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 404 && source == ProfileSource.Cached && attempt < MaxAttempts)
            {
                ForgetProfile(streamPartition, partitionKey); // The cached profile is gone (erased, rebuilt): read it, and tell a missing trim apart next time.
                mustRead = true;
                continue;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 404 && fitsInOne && attempt < MaxAttempts)
            {
                deletesApart = true; // A row to trim was gone already (an interrupted earlier batch): delete one by one.
                continue;
            }

            if (actions.Count > TableTransactions.MaxActions || deletes.Count > 0 && !fitsInOne)
            {
                await SubmitInChunksAsync(actions.Skip(TableTransactions.MaxActions).ToList(), cancellationToken).ConfigureAwait(false);
                await DeleteEachAsync(partitionKey, deletes, cancellationToken).ConfigureAwait(false);
            }

            return duplicates;
        }
    }

    /// <summary>Gives up the claim a position made for an event of the customer (a poison event going to quarantine).</summary>
    public Task ReleaseClaimAsync(string tenant, string subject, string eventId, StreamPosition position, CancellationToken cancellationToken) =>
        ClaimRows.ReleaseAsync(_table, TableKeys.Customer(tenant, subject), eventId, position, cancellationToken);

    // The batch without the events found to be duplicates; the raw blob holds fewer of the customer's events, or none.
    private (SubjectBatch Current, List<PreparedEvent> Duplicates) WithoutDuplicates(SubjectBatch batch, Dictionary<string, ClaimResult> claims)
    {
        var duplicates = batch.Events.Where(e => claims.GetValueOrDefault(e.Event.Id) == ClaimResult.Duplicate).ToList();
        if (duplicates.Count == 0)
        {
            return (batch, duplicates);
        }

        var blobs = batch.Blobs
            .Select(b => b.Container == _rawContainer ? b with { EventCount = b.EventCount - duplicates.Count } : b)
            .Where(b => b.Container != _rawContainer || b.EventCount > 0)
            .ToList();
        var events = batch.Events.Where(e => claims.GetValueOrDefault(e.Event.Id) != ClaimResult.Duplicate).ToList();
        return (batch with { Events = events, Blobs = blobs }, duplicates);
    }

    private static IEnumerable<TableTransactionAction> IndexRows(string partitionKey, SubjectBatch batch) =>
        batch.Blobs.Select(b => new TableTransactionAction(TableTransactionActionType.UpsertReplace, SubjectIndex.ToEntity(partitionKey, b)));

    // Reads the claims of events whose insert failed; returns whether this position had made any (an earlier attempt
    // of this batch committed, so the profile in hand is stale).
    private async Task<bool> ClassifyAsync(string partitionKey, List<PreparedEvent> events, Dictionary<string, ClaimResult> claims, CancellationToken cancellationToken)
    {
        var found = await ClaimRows.ClassifyAsync(_table, partitionKey, events.Select(e => (e.Event.Id, e.Incoming.Position)), cancellationToken).ConfigureAwait(false);
        foreach (var (eventId, result) in found)
        {
            claims[eventId] = result;
        }

        return found.Values.Any(r => r == ClaimResult.Redelivered);
    }

    // The claims alone, a transaction per hundred; those that exist already are read and settled.
    private async Task<bool> ClaimApartAsync(string partitionKey, List<PreparedEvent> unclaimed, Dictionary<string, ClaimResult> claims, CancellationToken cancellationToken)
    {
        var redelivered = false;
        for (var attempt = 1; ; attempt++)
        {
            var pending = unclaimed.Where(e => !claims.ContainsKey(e.Event.Id)).ToList();
            if (pending.Count == 0)
            {
                return redelivered;
            }

            foreach (var chunk in pending.Chunk(TableTransactions.MaxActions))
            {
                try
                {
                    await _table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Add,
                        ClaimRows.ToEntity(partitionKey, e.Event.Id, e.Incoming.Position, e.Incoming.EnqueuedTime))), cancellationToken).ConfigureAwait(false);
                    foreach (var e in chunk)
                    {
                        claims[e.Event.Id] = ClaimResult.Redelivered; // Claimed by this position: from here on, as a redelivery would find it.
                    }
                }
                catch (TableTransactionFailedException ex) when (ex.Status == 409 && attempt < MaxAttempts)
                {
                    redelivered |= await ClassifyAsync(partitionKey, [.. chunk], claims, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>
    /// The profile to fold onto: the one this instance wrote last when it has it (the write is conditional on its ETag,
    /// so a stale one costs a 412 and a read), none when the partition's recent misses were mostly new customers (the
    /// write is an insert, so an existing one costs a 409 and a read), else the one in storage.
    /// </summary>
    private async Task<(TableEntity? Before, ProfileSource Source)> ProfileBeforeAsync(string streamPartition, string partitionKey, bool mustRead,
        CancellationToken cancellationToken)
    {
        if (!mustRead)
        {
            if (_profiles.TryGet((streamPartition, partitionKey), out var cached))
            {
                return (cached, ProfileSource.Cached);
            }

            if (_newCustomers.LikelyNew(streamPartition))
            {
                return (null, ProfileSource.AssumedNew);
            }
        }

        var existing = await _table.GetEntityIfExistsAsync<TableEntity>(partitionKey, CustomerProfile.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!mustRead)
        {
            _newCustomers.Observe(streamPartition, wasNew: !existing.HasValue);
        }

        return (existing.HasValue ? existing.Value : null, ProfileSource.Read);
    }

    private void ObserveAssumption(ProfileSource source, string streamPartition, bool wasNew)
    {
        if (source == ProfileSource.AssumedNew)
        {
            _newCustomers.Observe(streamPartition, wasNew);
        }
    }

    private void RememberProfile(string streamPartition, TableEntity profile, ETag? etag)
    {
        if (etag is { } written)
        {
            profile.ETag = written;
            _profiles.Set((streamPartition, profile.PartitionKey), profile);
        }
        else
        {
            _profiles.Remove((streamPartition, profile.PartitionKey));
        }
    }

    private void ForgetProfile(string streamPartition, string partitionKey) => _profiles.Remove((streamPartition, partitionKey));

    // Keeps the newest `limit` activity rows: the profile lists their keys, so bounding needs no extra read.
    private (List<TableTransactionAction> Upserts, List<string> Deletes) PlanActivity(string partitionKey, SubjectBatch batch, TableEntity profile)
    {
        var rawBlob = batch.Blobs.FirstOrDefault(b => b.Container == _rawContainer)?.Name ?? string.Empty;
        var incoming = batch.Events
            .GroupBy(ActivityRows.RowKey, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var previous = CustomerProfile.ActivityKeys(profile);
        var kept = previous.Concat(incoming.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(_activityLimit).ToList();
        var keptSet = kept.ToHashSet(StringComparer.Ordinal);
        profile[CustomerProfile.ActivityKeysProperty] = string.Join('\n', kept);
        var upserts = incoming
            .Where(pair => keptSet.Contains(pair.Key))
            .Select(pair => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ActivityRows.ToEntity(partitionKey, pair.Value, rawBlob)))
            .ToList();
        var deletes = previous.Where(key => !keptSet.Contains(key)).ToList();
        return (upserts, deletes);
    }

    private async Task SubmitInChunksAsync(List<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        foreach (var chunk in actions.Chunk(TableTransactions.MaxActions))
        {
            await _table.SubmitTransactionAsync(chunk, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DeleteEachAsync(string partitionKey, List<string> rowKeys, CancellationToken cancellationToken)
    {
        foreach (var rowKey in rowKeys)
        {
            try
            {
                await _table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Already gone: a redelivered batch deleting again.
            }
        }
    }

    private enum ProfileSource
    {
        Read,
        Cached,
        AssumedNew,
    }
}
