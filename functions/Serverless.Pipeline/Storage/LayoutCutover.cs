using Azure;
using Azure.Data.Tables;

namespace Serverless.Pipeline.Storage;

/// <summary>
/// When a table of this deployment moved to a new key layout, and whether it held rows of the earlier layout then,
/// so that readers consult the earlier layout only while it can still matter. The first process to use the new
/// layout looks for any row already in the table and writes a marker row (an insert: the first writer wins) before it
/// writes a row of the new layout; every process reads the marker once and keeps it. A fresh deployment thus never
/// pays for the earlier layout, and an upgraded one only within a window after the cut-over.
/// </summary>
/// <remarks>
/// A process of the earlier version that still writes during a rolling upgrade is seen only if it wrote before the
/// marker: on an upgrade of a deployment that had stored anything at all, the marker finds those rows.
/// </remarks>
public sealed class LayoutCutover
{
    /// <summary>The partition of the marker rows, one per layout; no data row has this partition key.</summary>
    public const string MarkerPartition = "~layout";
    private readonly TableClient _table;
    private readonly string _layout;
    private readonly TimeProvider _time;
    private Marker? _marker;

    public LayoutCutover(TableClient table, string layout, TimeProvider time)
    {
        _table = table;
        _layout = layout;
        _time = time;
    }

    /// <summary>Whether rows of the earlier layout can still matter: there were some at the cut-over, and it is less than <paramref name="window"/> ago.</summary>
    public async Task<bool> EarlierLayoutMattersAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        var marker = _marker ?? await ResolveAsync(cancellationToken).ConfigureAwait(false);
        return marker.EarlierRows && _time.GetUtcNow() < marker.Since + window;
    }

    private async Task<Marker> ResolveAsync(CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(MarkerPartition, _layout, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!found.HasValue)
        {
            var marker = new TableEntity(MarkerPartition, _layout)
            {
                ["Since"] = _time.GetUtcNow(),
                ["EarlierRows"] = await AnyRowAsync(cancellationToken).ConfigureAwait(false),
            };
            try
            {
                await _table.AddEntityAsync(marker, cancellationToken).ConfigureAwait(false);
                return _marker = From(marker);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // Another process wrote it first: its marker is the one.
                found = await _table.GetEntityIfExistsAsync<TableEntity>(MarkerPartition, _layout, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }

        return _marker = From(found.Value!);
    }

    private async Task<bool> AnyRowAsync(CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey ne {MarkerPartition}");
        await foreach (var page in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken).AsPages().ConfigureAwait(false))
        {
            if (page.Values.Count > 0)
            {
                return true;
            }
        }

        return false;
    }

    private static Marker From(TableEntity entity) =>
        new(entity.GetDateTimeOffset("Since") ?? DateTimeOffset.MinValue, entity.GetBoolean("EarlierRows") ?? true);

    private sealed record Marker(DateTimeOffset Since, bool EarlierRows);
}
