using Azure.Data.Tables;
using Serverless.Pipeline.Storage;

namespace Serverless.Pipeline.Dedupe;

/// <summary>
/// Drops duplicates by (tenant, event id) across batches and restarts. Ids are claimed first, with insert-only
/// Table transactions, and every later write of the batch is idempotent; so a claim that exists with the same stream
/// position means a batch that was interrupted and redelivered, and one with another position means a duplicate.
/// The happy path costs one transaction per bucket and no reads.
/// </summary>
public sealed class EventIdLedger
{
    private const int Buckets = 16;
    private const int MaxAttempts = 5;
    private readonly TableClient _table;
    private readonly TimeProvider _time;

    public EventIdLedger(TableClient table, TimeProvider time)
    {
        _table = table;
        _time = time;
    }

    public async Task<IReadOnlyList<ClaimResult>> ClaimAsync(IReadOnlyList<EventClaim> claims, int concurrency, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var results = new ClaimResult[claims.Count];
        var chunks = Enumerable.Range(0, claims.Count)
            .GroupBy(i => PartitionKey(claims[i]))
            .SelectMany(g => g.Chunk(TableTransactions.MaxActions).Select(chunk => (PartitionKey: g.Key, Indexes: chunk)))
            .ToList();
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (chunk, ct) => await ClaimChunkAsync(chunk.PartitionKey, chunk.Indexes, claims, results, ct).ConfigureAwait(false))
            .ConfigureAwait(false);
        return results;
    }

    private async Task ClaimChunkAsync(string partitionKey, int[] indexes, IReadOnlyList<EventClaim> claims, ClaimResult[] results, CancellationToken cancellationToken)
    {
        var pending = indexes.ToList();
        for (var attempt = 1; pending.Count > 0; attempt++)
        {
            var actions = pending.Select(i => new TableTransactionAction(TableTransactionActionType.Add, ToEntity(partitionKey, claims[i]))).ToList();
            try
            {
                await _table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                foreach (var i in pending)
                {
                    results[i] = ClaimResult.New;
                }

                return;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409 && attempt < MaxAttempts)
            {
                pending = await ClassifyExistingAsync(partitionKey, pending, claims, results, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // Some ids in the chunk exist: read each, settle those that exist, and return those still to claim.
    private async Task<List<int>> ClassifyExistingAsync(string partitionKey, List<int> pending, IReadOnlyList<EventClaim> claims, ClaimResult[] results, CancellationToken cancellationToken)
    {
        var reads = pending.Select(i => _table.GetEntityIfExistsAsync<TableEntity>(partitionKey, TableKeys.Escape(claims[i].EventId),
            ["Position"], cancellationToken)).ToList();
        var found = await Task.WhenAll(reads).ConfigureAwait(false);
        var stillPending = new List<int>();
        for (var k = 0; k < pending.Count; k++)
        {
            var i = pending[k];
            if (!found[k].HasValue)
            {
                stillPending.Add(i);
                continue;
            }

            var position = found[k].Value!.GetString("Position");
            results[i] = position == claims[i].Position.ToString() ? ClaimResult.Redelivered : ClaimResult.Duplicate;
        }

        return stillPending;
    }

    private TableEntity ToEntity(string partitionKey, EventClaim claim) => new(partitionKey, TableKeys.Escape(claim.EventId))
    {
        ["Position"] = claim.Position.ToString(),
        ["ClaimedAt"] = _time.GetUtcNow(),
    };

    public static string PartitionKey(EventClaim claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return TableKeys.Escape(claim.Tenant) + TableKeys.Separator + Bucket(claim.EventId).ToString("x1", System.Globalization.CultureInfo.InvariantCulture);
    }

    // FNV-1a: stable across processes and versions, unlike string.GetHashCode.
    private static int Bucket(string eventId)
    {
        var hash = 2166136261u;
        foreach (var c in eventId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % Buckets);
    }

    /// <summary>
    /// Gives up a claim this position made, so that the event can come back later (a replay from quarantine) without
    /// being taken for a duplicate. A claim made by another position is left alone.
    /// </summary>
    public async Task ReleaseAsync(EventClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var partitionKey = PartitionKey(claim);
        var rowKey = TableKeys.Escape(claim.EventId);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, ["Position"], cancellationToken).ConfigureAwait(false);
        if (!found.HasValue || found.Value!.GetString("Position") != claim.Position.ToString())
        {
            return;
        }

        try
        {
            await _table.DeleteEntityAsync(partitionKey, rowKey, found.Value.ETag, cancellationToken).ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Released or changed meanwhile: either way the claim is no longer this position's.
        }
    }

    /// <summary>Forgets an event id whatever position claimed it (an erasure). Returns false when it was not there.</summary>
    public async Task<bool> ForgetAsync(string tenant, string eventId, CancellationToken cancellationToken)
    {
        var claim = new EventClaim(tenant, eventId, default);
        try
        {
            await _table.DeleteEntityAsync(PartitionKey(claim), TableKeys.Escape(eventId), Azure.ETag.All, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Whether a (tenant, event id) has been claimed; for tests and tools.</summary>
    public async Task<bool> ContainsAsync(string tenant, string eventId, CancellationToken cancellationToken)
    {
        var claim = new EventClaim(tenant, eventId, default);
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(PartitionKey(claim), TableKeys.Escape(eventId), ["Position"], cancellationToken).ConfigureAwait(false);
        return response.HasValue;
    }
}
