using Azure.Data.Tables;
using Serverless.Pipeline.Storage;

namespace Serverless.Pipeline.Ingestion;

/// <summary>
/// Replay protection: remembers each (source, delivery id) whose events were accepted. Ingestion checks before it
/// enqueues and records after, so a failure between the two can only let a retry enqueue the events again (which the
/// event-id ledger drops downstream), never make a retry look like a replay and lose them.
/// </summary>
public sealed class DeliveryLog
{
    private readonly TableClient _table;
    private readonly TimeProvider _time;

    public DeliveryLog(TableClient table, TimeProvider time)
    {
        _table = table;
        _time = time;
    }

    public async Task<bool> ContainsAsync(string source, string deliveryId, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(source), TableKeys.Escape(deliveryId), ["RowKey"], cancellationToken).ConfigureAwait(false);
        return found.HasValue;
    }

    public async Task RecordAsync(string source, string deliveryId, CancellationToken cancellationToken)
    {
        await _table.UpsertEntityAsync(new TableEntity(TableKeys.Escape(source), TableKeys.Escape(deliveryId))
        {
            ["ReceivedAt"] = _time.GetUtcNow(),
        }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }
}
