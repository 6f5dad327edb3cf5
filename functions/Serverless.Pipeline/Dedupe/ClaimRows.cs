using Azure;
using Azure.Data.Tables;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Storage;

namespace Serverless.Pipeline.Dedupe;

/// <summary>
/// Event-id claims kept in each customer's own Table partition, a row per event (<c>claim|{event id}</c>, the stream
/// position that claimed it). A claim is inserted by the same entity-group transaction that writes the customer's
/// views for the event, so the claim and the views it guards commit together or not at all, and dedupe costs no
/// request of its own. Found again, a claim with the same stream position means a redelivery of a batch that did
/// not finish (store again: every write is idempotent); with another position, a duplicate (drop it).
/// </summary>
public static class ClaimRows
{
    public const string Prefix = "claim|";

    // Azure allows 15 comparisons in a filter: the partition key and 14 row keys.
    private const int MaxRowKeysPerQuery = 14;

    public static string RowKey(string eventId) => Prefix + TableKeys.Escape(eventId);

    public static bool IsClaim(string rowKey)
    {
        ArgumentNullException.ThrowIfNull(rowKey);
        return rowKey.StartsWith(Prefix, StringComparison.Ordinal);
    }

    /// <summary>The first row key past every claim ('}' follows '|' in ordinal order).</summary>
    public static string After => Prefix[..^1] + "}";

    /// <summary>The claim of an event: its id in the row key, the position that claimed it and when that position was enqueued.</summary>
    public static TableEntity ToEntity(string partitionKey, string eventId, StreamPosition position, DateTimeOffset enqueued) => new(partitionKey, RowKey(eventId))
    {
        ["Position"] = position.ToString(),
        ["Enqueued"] = enqueued,
    };

    /// <summary>
    /// Reads the claims of the given events in one customer partition, and tells for each found whether this position
    /// made it (<see cref="ClaimResult.Redelivered"/>) or another (<see cref="ClaimResult.Duplicate"/>); events
    /// without a claim are left out.
    /// </summary>
    public static async Task<Dictionary<string, ClaimResult>> ClassifyAsync(TableClient table, string partitionKey, IEnumerable<(string EventId, StreamPosition Position)> events,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var byRowKey = events.ToDictionary(e => RowKey(e.EventId), StringComparer.Ordinal);
        var results = new Dictionary<string, ClaimResult>(StringComparer.Ordinal);
        foreach (var keys in byRowKey.Keys.Chunk(MaxRowKeysPerQuery))
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}") + " and ("
                + string.Join(" or ", keys.Select(key => TableClient.CreateQueryFilter($"RowKey eq {key}"))) + ")";
            await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["RowKey", "Position"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                var (eventId, position) = byRowKey[row.RowKey];
                results[eventId] = row.GetString("Position") == position.ToString() ? ClaimResult.Redelivered : ClaimResult.Duplicate;
            }
        }

        return results;
    }

    /// <summary>
    /// Gives up a claim this position made, so that the event can come back later (a replay from quarantine) without
    /// being taken for a duplicate. A claim made by another position is left alone.
    /// </summary>
    public static async Task ReleaseAsync(TableClient table, string partitionKey, string eventId, StreamPosition position, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var rowKey = RowKey(eventId);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, ["Position"], cancellationToken).ConfigureAwait(false);
        if (!found.HasValue || found.Value!.GetString("Position") != position.ToString())
        {
            return;
        }

        try
        {
            await table.DeleteEntityAsync(partitionKey, rowKey, found.Value.ETag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Released or changed meanwhile: either way the claim is no longer this position's.
        }
    }
}
