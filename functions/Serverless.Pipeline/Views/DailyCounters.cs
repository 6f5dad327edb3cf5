using System.Globalization;
using Azure.Data.Tables;
using Serverless.Pipeline.Storage;

namespace Serverless.Pipeline.Views;

/// <summary>
/// Daily counters per tenant and event type (and per quarantine reason). Each counter is kept as one row per stream
/// partition (<c>{name}|{partition}</c>), so every row has one writer and partitions never contend for a hot row; a
/// read sums the rows. Updates are still ETag-guarded (a partition can move between processors), and watermarks keep
/// a redelivered batch from counting twice.
/// </summary>
public sealed class DailyCounters
{
    public const string QuarantinePrefix = "quarantine:";
    private const int MaxAttempts = 8;
    private const int MaxRowKeysPerQuery = 14;
    private readonly TableClient _table;

    public DailyCounters(TableClient table) => _table = table;

    public static string PartitionKey(string tenant, DateOnly day) =>
        TableKeys.Escape(tenant) + TableKeys.Separator + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public async Task AddAsync(IReadOnlyList<CounterIncrement> increments, int concurrency, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(increments);
        var byPartition = increments.GroupBy(i => PartitionKey(i.Tenant, i.Day)).ToList();
        await Parallel.ForEachAsync(byPartition, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (group, ct) => await AddToPartitionAsync(group.Key, group.ToList(), ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>The day's total for a counter: the sum of its partitions' rows.</summary>
    public async Task<long> GetAsync(string tenant, DateOnly day, string name, CancellationToken cancellationToken)
    {
        var partitionKey = PartitionKey(tenant, day);
        var prefix = TableKeys.Escape(name) + TableKeys.Separator;
        var total = 0L;
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == partitionKey && e.RowKey.CompareTo(prefix) >= 0 && e.RowKey.CompareTo(prefix + "~") < 0,
            select: ["Count"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            total += row.GetInt64("Count") ?? 0;
        }

        return total;
    }

    internal static string RowKey(CounterIncrement increment) =>
        TableKeys.Escape(increment.Name) + TableKeys.Separator + TableKeys.Escape(increment.Position.PartitionId);

    /// <summary>A counter row that has counted nothing yet, for the increment's day, name and stream partition.</summary>
    internal static TableEntity NewRow(CounterIncrement increment) => new(PartitionKey(increment.Tenant, increment.Day), RowKey(increment))
    {
        ["Tenant"] = increment.Tenant,
        ["Day"] = increment.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["Name"] = increment.Name,
        ["StreamPartition"] = increment.Position.PartitionId,
        ["Count"] = 0L,
    };

    /// <summary>Counts the increments a row has not counted yet (by its watermark); returns how many were new.</summary>
    internal static long Count(TableEntity counter, IEnumerable<CounterIncrement> increments)
    {
        var added = 0L;
        foreach (var increment in increments.OrderBy(i => i.Position.SequenceNumber))
        {
            if (Watermarks.IsNew(counter, increment.Position))
            {
                added++;
                Watermarks.Advance(counter, increment.Position);
            }
        }

        counter["Count"] = (counter.GetInt64("Count") ?? 0) + added;
        return added;
    }

    private async Task AddToPartitionAsync(string partitionKey, List<CounterIncrement> increments, CancellationToken cancellationToken)
    {
        foreach (var chunk in increments.GroupBy(RowKey, StringComparer.Ordinal).Chunk(TableTransactions.MaxActions))
        {
            for (var attempt = 1; ; attempt++)
            {
                var existing = await ReadAsync(partitionKey, chunk.Select(byName => byName.Key), cancellationToken).ConfigureAwait(false);
                var actions = chunk.Select(byName => Fold(byName.Key, byName.ToList(), existing)).OfType<TableTransactionAction>().ToList();
                if (actions.Count == 0)
                {
                    break;
                }

                try
                {
                    await _table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
                {
                    // Another partition's batch updated a counter of this day: read again.
                }
            }
        }
    }

    /// <summary>
    /// The rows the batch touches and no others: a query per few row keys (Azure allows 15 comparisons in a filter), so
    /// the cost does not grow with the stream partitions and event types that share the tenant-day partition.
    /// </summary>
    internal async Task<Dictionary<string, TableEntity>> ReadAsync(string partitionKey, IEnumerable<string> rowKeys, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        foreach (var keys in rowKeys.Chunk(MaxRowKeysPerQuery))
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}") + " and ("
                + string.Join(" or ", keys.Select(key => TableClient.CreateQueryFilter($"RowKey eq {key}"))) + ")";
            await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                result[entity.RowKey] = entity;
            }
        }

        return result;
    }

    private static TableTransactionAction? Fold(string rowKey, List<CounterIncrement> increments, Dictionary<string, TableEntity> existing)
    {
        var found = existing.TryGetValue(rowKey, out var before);
        var counter = found ? new TableEntity(before!) : NewRow(increments[0]);
        if (Count(counter, increments) == 0)
        {
            return null;
        }

        return found
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, counter, before!.ETag)
            : new TableTransactionAction(TableTransactionActionType.Add, counter);
    }
}
