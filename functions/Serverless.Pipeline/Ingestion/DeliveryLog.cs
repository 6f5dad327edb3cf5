using Azure;
using Azure.Data.Tables;
using Serverless.Pipeline.Storage;

namespace Serverless.Pipeline.Ingestion;

/// <summary>
/// Replay protection: remembers each (source, delivery id) that was accepted. A delivery is recorded before its
/// events are enqueued and forgotten again if the stream refuses them, so a refused delivery can be retried.
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

    /// <summary>Records the delivery; false when it was recorded before (a replay).</summary>
    public async Task<bool> TryRecordAsync(string source, string deliveryId, CancellationToken cancellationToken)
    {
        try
        {
            await _table.AddEntityAsync(new TableEntity(TableKeys.Escape(source), TableKeys.Escape(deliveryId))
            {
                ["ReceivedAt"] = _time.GetUtcNow(),
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    public async Task ForgetAsync(string source, string deliveryId, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(TableKeys.Escape(source), TableKeys.Escape(deliveryId), ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already gone.
        }
    }
}
