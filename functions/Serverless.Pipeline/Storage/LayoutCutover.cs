using Azure;
using Azure.Data.Tables;

namespace Serverless.Pipeline.Storage;

/// <summary>
/// When a table of this deployment moved to a new key layout while it held rows of the earlier one, so that readers
/// consult the earlier layout only while it can still matter: within a window after the cut-over. A process looks
/// for rows of the earlier layout once (a query that stops at the first row); when there are some, the first process
/// writes a marker row with the time (an insert: the first writer wins) and every other process reads it. A fresh
/// deployment finds none, writes nothing and never pays for the earlier layout; an upgraded one pays only within the
/// window.
/// </summary>
public sealed class LayoutCutover
{
    /// <summary>The partition of the marker rows; no data row has this partition key.</summary>
    public const string MarkerPartition = "~layout";
    private readonly TableClient _table;
    private readonly string _layout;
    private readonly Func<CancellationToken, Task<bool>> _anyEarlierRow;
    private readonly TimeProvider _time;
    private Marker? _marker;

    /// <param name="layout">The marker's row key: the new layout's name.</param>
    /// <param name="anyEarlierRow">Whether the table holds any row of the earlier layout.</param>
    public LayoutCutover(TableClient table, string layout, Func<CancellationToken, Task<bool>> anyEarlierRow, TimeProvider time)
    {
        _table = table;
        _layout = layout;
        _anyEarlierRow = anyEarlierRow;
        _time = time;
    }

    /// <summary>Whether rows of the earlier layout can still matter: there were some at the cut-over, and it is less than <paramref name="window"/> ago.</summary>
    public async Task<bool> EarlierLayoutMattersAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        var marker = _marker ?? await ResolveAsync(cancellationToken).ConfigureAwait(false);
        return marker.EarlierRows && _time.GetUtcNow() < marker.Since + window;
    }

    /// <summary>Whether a table holds any row outside the marker partition: a query that stops at the first.</summary>
    public static async Task<bool> AnyRowAsync(TableClient table, string filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken).AsPages().ConfigureAwait(false))
        {
            if (page.Values.Count > 0)
            {
                return true;
            }
        }

        return false;
    }

    private async Task<Marker> ResolveAsync(CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(MarkerPartition, _layout, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (found.HasValue)
        {
            return _marker = new Marker(found.Value!.GetDateTimeOffset("Since") ?? DateTimeOffset.MinValue, EarlierRows: true);
        }

        if (!await _anyEarlierRow(cancellationToken).ConfigureAwait(false))
        {
            return _marker = new Marker(DateTimeOffset.MinValue, EarlierRows: false);
        }

        var since = _time.GetUtcNow();
        try
        {
            await _table.AddEntityAsync(new TableEntity(MarkerPartition, _layout) { ["Since"] = since }, cancellationToken).ConfigureAwait(false);
            return _marker = new Marker(since, EarlierRows: true);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Another process wrote it first: its time is the cut-over.
            var written = await _table.GetEntityAsync<TableEntity>(MarkerPartition, _layout, cancellationToken: cancellationToken).ConfigureAwait(false);
            return _marker = new Marker(written.Value.GetDateTimeOffset("Since") ?? since, EarlierRows: true);
        }
    }

    private sealed record Marker(DateTimeOffset Since, bool EarlierRows);
}
