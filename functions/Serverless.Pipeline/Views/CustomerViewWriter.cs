using Azure;
using Azure.Data.Tables;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Storage;

namespace Serverless.Pipeline.Views;

/// <summary>
/// Writes one customer's views for one batch. Everything about a customer lives in one Table partition, so the
/// profile (guarded by its ETag), the subject-index rows, the new activity rows and the deletes that keep activity
/// bounded usually go in a single transaction: one read and one write per customer per batch.
/// </summary>
public sealed class CustomerViewWriter
{
    private const int MaxAttempts = 8;
    private readonly TableClient _table;
    private readonly Pseudonymizer _pseudonymizer;
    private readonly int _activityLimit;
    private readonly string _rawContainer;

    public CustomerViewWriter(TableClient table, string rawContainer, Pseudonymizer pseudonymizer, int activityLimit)
    {
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

        var deletesApart = false;
        for (var attempt = 1; ; attempt++)
        {
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(partitionKey, CustomerProfile.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            var before = existing.HasValue ? existing.Value : null;
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
                await _table.SubmitTransactionAsync(actions.Take(TableTransactions.MaxActions), cancellationToken).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                continue; // Another writer changed the profile since we read it: read again and fold again.
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
}
