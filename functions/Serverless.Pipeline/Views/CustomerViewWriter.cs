using Azure;
using Azure.Data.Tables;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Storage;

namespace Serverless.Pipeline.Views;

/// <summary>
/// Writes one customer's views for one batch. Everything about a customer lives in one Table partition, so the
/// profile (guarded by its ETag), the subject-index rows, the new activity rows and the deletes that keep activity
/// bounded usually go in a single transaction. The profile is read first only when this instance did not write it
/// last (then it keeps what it wrote, per stream partition) and the customer is not likely new: so usually one
/// request per customer per batch.
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

    public CustomerViewWriter(TableClient table, string rawContainer, Pseudonymizer pseudonymizer, int activityLimit, int profileCacheCapacity = 10_000)
    {
        _profiles = new BoundedCache<(string, string), TableEntity>(profileCacheCapacity);
        _table = table;
        _rawContainer = rawContainer;
        _pseudonymizer = pseudonymizer;
        _activityLimit = activityLimit;
    }

    public async Task WriteAsync(SubjectBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var partitionKey = TableKeys.Customer(batch.Tenant, batch.Subject);
        var indexRows = batch.Blobs.Select(b => new TableTransactionAction(TableTransactionActionType.UpsertReplace, SubjectIndex.ToEntity(partitionKey, b)));
        if (batch.Events.Count == 0)
        {
            await SubmitInChunksAsync(indexRows.ToList(), cancellationToken).ConfigureAwait(false);
            return;
        }

        var streamPartition = batch.Events[0].Incoming.Position.PartitionId;
        var deletesApart = false;
        var mustRead = false;
        for (var attempt = 1; ; attempt++)
        {
            var (before, source) = await ProfileBeforeAsync(streamPartition, partitionKey, mustRead, cancellationToken).ConfigureAwait(false);
            var profile = CustomerProfile.Fold(before, partitionKey, batch, _pseudonymizer);
            var (upserts, deletes) = PlanActivity(partitionKey, batch, profile);
            var profileAction = before is null
                ? new TableTransactionAction(TableTransactionActionType.Add, profile)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, profile, before.ETag);
            var actions = new List<TableTransactionAction> { profileAction };
            actions.AddRange(indexRows);
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
                // Another writer changed the profile since we read or cached it, or it existed where we assumed it new:
                // read again and fold again.
                ForgetProfile(streamPartition, partitionKey);
                ObserveAssumption(source, streamPartition, wasNew: false);
                mustRead = true;
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

            return;
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
