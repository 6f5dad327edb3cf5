using Azure.Data.Tables;
using Serverless.Pipeline.Storage;

namespace Serverless.Pipeline.Ingestion;

/// <summary>
/// Replay protection: remembers each (source, delivery id) whose events were accepted. Ingestion checks before it
/// enqueues and records after, so a failure between the two can only let a retry enqueue the events again (which the
/// event-id dedupe drops downstream), never make a retry look like a replay and lose them.
/// A source's rows are spread over <see cref="Buckets"/> partitions by a hash of the delivery id
/// (<c>{source}|{bucket}</c>), so one busy source is not one hot partition. The earlier layout kept a source's rows in
/// one partition (<c>{source}</c>, the same row key); when a source had rows there, a delivery not found in the new
/// layout is looked up there too, for <see cref="EarlierLayoutWindow"/> after the upgrade (see
/// <see cref="LayoutCutover"/>), so a retry of a delivery recorded just before the upgrade is still answered as a
/// replay, and the old hot partition is not read for ever.
/// </summary>
public sealed class DeliveryLog
{
    public const int Buckets = 16;
    private readonly TableClient _table;
    private readonly TimeProvider _time;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, LayoutCutover> _cutovers = new(StringComparer.Ordinal);

    public DeliveryLog(TableClient table, TimeProvider time)
    {
        _table = table;
        _time = time;
    }

    /// <summary>How long after the cut-over the earlier layout is still read: longer than webhook senders keep retrying a delivery (days).</summary>
    public static TimeSpan EarlierLayoutWindow { get; } = TimeSpan.FromDays(7);

    /// <summary>The partition of a delivery: its source and a bucket of its id.</summary>
    public static string PartitionKey(string source, string deliveryId) =>
        TableKeys.Escape(source) + TableKeys.Separator + TableKeys.Bucket(deliveryId, Buckets).ToString("x1", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The partition of the earlier layout: every delivery of the source.</summary>
    public static string EarlierPartitionKey(string source) => TableKeys.Escape(source);

    public async Task<bool> ContainsAsync(string source, string deliveryId, CancellationToken cancellationToken)
    {
        var rowKey = TableKeys.Escape(deliveryId);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(PartitionKey(source, deliveryId), rowKey, ["RowKey"], cancellationToken).ConfigureAwait(false);
        if (found.HasValue)
        {
            return true;
        }

        if (!await CutoverOf(source).EarlierLayoutMattersAsync(EarlierLayoutWindow, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        var earlier = await _table.GetEntityIfExistsAsync<TableEntity>(EarlierPartitionKey(source), rowKey, ["RowKey"], cancellationToken).ConfigureAwait(false);
        return earlier.HasValue;
    }

    public async Task RecordAsync(string source, string deliveryId, CancellationToken cancellationToken)
    {
        await _table.UpsertEntityAsync(new TableEntity(PartitionKey(source, deliveryId), TableKeys.Escape(deliveryId))
        {
            ["ReceivedAt"] = _time.GetUtcNow(),
        }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    // A source's earlier partition holds only rows of the earlier layout: it is looked at once per process.
    private LayoutCutover CutoverOf(string source) => _cutovers.GetOrAdd(source, s => new LayoutCutover(_table, "deliveries-bucketed" + TableKeys.Separator + TableKeys.Escape(s),
        ct => LayoutCutover.AnyRowAsync(_table, TableClient.CreateQueryFilter($"PartitionKey eq {EarlierPartitionKey(s)}"), ct), _time));
}
