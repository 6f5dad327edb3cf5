using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Serverless.Pipeline.Storage;

namespace Serverless.Pipeline.Views;

/// <summary>
/// Daily counters per tenant and event type (and per quarantine reason). Each counter is kept as one row per stream
/// partition (<c>{name}|{partition}</c>) in a Table partition of its own per tenant, day and stream partition
/// (<c>{tenant}|{day}|{partition}</c>), so every row and every Table partition has one writer, and a tenant's load
/// spreads over as many Table partitions as the stream has; a read sums the rows. Updates are ETag-guarded (a stream
/// partition can move between processors), and watermarks keep a redelivered batch from counting twice. The rows
/// this instance wrote last are kept with their ETags, so the next batch of the stream partition writes without
/// reading them first.
/// </summary>
/// <remarks>
/// The earlier layout kept every stream partition's rows of a tenant and day in one Table partition
/// (<c>{tenant}|{day}</c>, the same row keys). Its rows are still summed by every reader, and a row of the new layout
/// takes the watermark of its earlier-layout twin whenever it is read, so a batch counted there before an upgrade and
/// redelivered after it is not counted again; a view rebuild replaces them with rows of the new layout.
/// </remarks>
public sealed class DailyCounters
{
    public const string QuarantinePrefix = "quarantine:";
    private const int MaxAttempts = 8;
    private const int MaxRowKeysPerQuery = 14;
    private readonly TableClient _table;

    // The rows this instance wrote last, as written and with the ETag they got.
    private readonly BoundedCache<(string PartitionKey, string RowKey), TableEntity> _written;

    public DailyCounters(TableClient table, int cacheCapacity = 10_000)
    {
        _table = table;
        _written = new BoundedCache<(string, string), TableEntity>(cacheCapacity);
    }

    /// <summary>The Table partition of a tenant's counters of one day from one stream partition.</summary>
    public static string PartitionKey(string tenant, DateOnly day, string streamPartition) =>
        LegacyPartitionKey(tenant, day) + TableKeys.Separator + TableKeys.Escape(streamPartition);

    /// <summary>The Table partition of the earlier layout: a tenant's counters of one day from every stream partition.</summary>
    public static string LegacyPartitionKey(string tenant, DateOnly day) =>
        TableKeys.Escape(tenant) + TableKeys.Separator + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// The range of partition keys that holds a tenant's counters of one day in either layout: the earlier layout's
    /// partition and every stream partition's ('}' follows '|' in ordinal order).
    /// </summary>
    public static (string From, string Before) DayRange(string tenant, DateOnly day)
    {
        var legacy = LegacyPartitionKey(tenant, day);
        return (legacy, legacy + "}");
    }

    public async Task AddAsync(IReadOnlyList<CounterIncrement> increments, int concurrency, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(increments);
        var byPartition = increments.GroupBy(i => (i.Tenant, i.Day, i.Position.PartitionId)).ToList();
        await Parallel.ForEachAsync(byPartition, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (group, ct) => await AddToPartitionAsync(group.Key.Tenant, group.Key.Day, group.Key.PartitionId, group.ToList(), ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>The day's total for a counter: the sum of its rows, of every stream partition, in either layout.</summary>
    public async Task<long> GetAsync(string tenant, DateOnly day, string name, CancellationToken cancellationToken)
    {
        var (from, before) = DayRange(tenant, day);
        var prefix = TableKeys.Escape(name) + TableKeys.Separator;
        var total = 0L;
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo(from) >= 0 && e.PartitionKey.CompareTo(before) < 0
            && e.RowKey.CompareTo(prefix) >= 0 && e.RowKey.CompareTo(prefix + "~") < 0, select: ["Count"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            total += row.GetInt64("Count") ?? 0;
        }

        return total;
    }

    internal static string RowKey(CounterIncrement increment) =>
        TableKeys.Escape(increment.Name) + TableKeys.Separator + TableKeys.Escape(increment.Position.PartitionId);

    /// <summary>A counter row that has counted nothing yet, for the increment's day, name and stream partition.</summary>
    internal static TableEntity NewRow(CounterIncrement increment) => new(PartitionKey(increment.Tenant, increment.Day, increment.Position.PartitionId), RowKey(increment))
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

    private async Task AddToPartitionAsync(string tenant, DateOnly day, string streamPartition, List<CounterIncrement> increments, CancellationToken cancellationToken)
    {
        var partitionKey = PartitionKey(tenant, day, streamPartition);
        foreach (var chunk in increments.GroupBy(RowKey, StringComparer.Ordinal).Chunk(TableTransactions.MaxActions))
        {
            var mustRead = false;
            for (var attempt = 1; ; attempt++)
            {
                var known = await RowsAsync(partitionKey, LegacyPartitionKey(tenant, day), chunk.Select(byName => byName.Key).ToList(), mustRead, cancellationToken).ConfigureAwait(false);
                var folded = chunk.Select(byName => Fold(byName.Key, byName.ToList(), known)).OfType<(TableEntity Row, TableTransactionAction Action)>().ToList();
                if (folded.Count == 0)
                {
                    break;
                }

                try
                {
                    var written = await _table.SubmitTransactionAsync(folded.Select(f => f.Action), cancellationToken).ConfigureAwait(false);
                    for (var i = 0; i < folded.Count; i++)
                    {
                        Remember(folded[i].Row, written.Value[i].Headers.ETag);
                    }

                    break;
                }
                catch (TableTransactionFailedException ex) when ((ex.Status is 409 or 412 || ex.Status == 404 && known.FromCache) && attempt < MaxAttempts)
                {
                    // Another processor updated a row (the stream partition moved), or a row this instance wrote was
                    // replaced or deleted behind it (a view rebuild): read again.
                    foreach (var (row, _) in folded)
                    {
                        _written.Remove((row.PartitionKey, row.RowKey));
                    }

                    mustRead = true;
                }
            }
        }
    }

    /// <summary>
    /// The rows to fold onto: those this instance wrote last, as it wrote them; the others read (the batch's rows
    /// only), each with the watermark of its earlier-layout twin where that one went further, and those twins.
    /// </summary>
    private async Task<KnownRows> RowsAsync(string partitionKey, string legacyPartitionKey, List<string> rowKeys, bool mustRead, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        var toRead = new List<string>();
        foreach (var rowKey in rowKeys)
        {
            if (!mustRead && _written.TryGet((partitionKey, rowKey), out var cached))
            {
                rows[rowKey] = cached;
            }
            else
            {
                toRead.Add(rowKey);
            }
        }

        if (toRead.Count == 0)
        {
            return new KnownRows(rows, [], FromCache: true);
        }

        foreach (var (rowKey, row) in await ReadAsync(partitionKey, toRead, cancellationToken).ConfigureAwait(false))
        {
            rows[rowKey] = row;
        }

        var legacy = await ReadAsync(legacyPartitionKey, toRead, cancellationToken).ConfigureAwait(false);
        foreach (var (rowKey, twin) in legacy)
        {
            if (rows.TryGetValue(rowKey, out var row))
            {
                CarryWatermark(twin, row);
            }
        }

        return new KnownRows(rows, legacy, FromCache: false);
    }

    // Events an earlier-layout row counted stay counted there: the new row only takes its watermark, never its count.
    private static void CarryWatermark(TableEntity legacy, TableEntity row)
    {
        foreach (var (name, value) in legacy.Where(p => p.Key.StartsWith(Watermarks.Prefix, StringComparison.Ordinal)))
        {
            if (value is long sequence && sequence > (row.GetInt64(name) ?? -1))
            {
                row[name] = sequence;
            }
        }
    }

    /// <summary>
    /// The rows the batch touches and no others: a query per few row keys (Azure allows 15 comparisons in a filter), so
    /// the cost does not grow with the event types that share the Table partition.
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

    private void Remember(TableEntity row, ETag? etag)
    {
        if (etag is { } written)
        {
            row.ETag = written;
            _written.Set((row.PartitionKey, row.RowKey), row);
        }
        else
        {
            _written.Remove((row.PartitionKey, row.RowKey));
        }
    }

    private static (TableEntity Row, TableTransactionAction Action)? Fold(string rowKey, List<CounterIncrement> increments, KnownRows known)
    {
        var found = known.Rows.TryGetValue(rowKey, out var before);
        var counter = found ? new TableEntity(before!) : NewRow(increments[0]);
        if (!found && known.Legacy.TryGetValue(rowKey, out var twin))
        {
            CarryWatermark(twin, counter);
        }

        if (Count(counter, increments) == 0)
        {
            return null;
        }

        return (counter, found
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, counter, before!.ETag)
            : new TableTransactionAction(TableTransactionActionType.Add, counter));
    }

    private sealed record KnownRows(Dictionary<string, TableEntity> Rows, Dictionary<string, TableEntity> Legacy, bool FromCache);
}
