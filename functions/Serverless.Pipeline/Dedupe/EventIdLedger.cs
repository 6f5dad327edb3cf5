using Azure.Data.Tables;
using Serverless.Pipeline.Storage;

namespace Serverless.Pipeline.Dedupe;

/// <summary>
/// The earlier place of event-id claims: a table of its own, a partition per tenant and bucket of the id. Ids were
/// claimed there first, with insert-only Table transactions (one per bucket: 16 per batch), before any other write of
/// the batch. Claims now live in each customer's partition, written with its views (<see cref="ClaimRows"/>); this
/// ledger is still claimed, beside them, only for <see cref="EarlierLayoutWindow"/> after a deployment that had
/// claims here is upgraded, so that a duplicate of an event accepted before the upgrade is still dropped. Erasure
/// still forgets its rows.
/// </summary>
public sealed class EventIdLedger
{
    private const int Buckets = 16;
    private const int MaxAttempts = 5;
    private readonly TableClient _table;
    private readonly TimeProvider _time;
    private readonly LayoutCutover _cutover;

    public EventIdLedger(TableClient table, TimeProvider time)
    {
        _table = table;
        _time = time;
        _cutover = new LayoutCutover(table, "claims-in-customer-partitions",
            ct => LayoutCutover.AnyRowAsync(table, TableClient.CreateQueryFilter($"PartitionKey ne {LayoutCutover.MarkerPartition}"), ct), time);
    }

    /// <summary>How long after the upgrade the ledger is still claimed: longer than a sender keeps resending an event (days).</summary>
    public static TimeSpan EarlierLayoutWindow { get; } = TimeSpan.FromDays(7);

    /// <summary>Whether batches must still claim their ids here: the ledger held claims at the upgrade, less than the window ago.</summary>
    public Task<bool> StillClaimedAsync(CancellationToken cancellationToken) => _cutover.EarlierLayoutMattersAsync(EarlierLayoutWindow, cancellationToken);

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
        return TableKeys.Escape(claim.Tenant) + TableKeys.Separator + TableKeys.Bucket(claim.EventId, Buckets).ToString("x1", System.Globalization.CultureInfo.InvariantCulture);
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
