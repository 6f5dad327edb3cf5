using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using Serverless.Pipeline.Dedupe;
using Serverless.Pipeline.Storage;

namespace Serverless.Pipeline.Views;

/// <summary>
/// The Table partition that holds everything about one customer, and the layout of its rows: the profile, the
/// recent-activity rows, the subject index (which blobs hold the customer's events) and the claims of its events' ids
/// (<see cref="ClaimRows"/>). Readers and erasers go through this type, so no other module spells those row keys.
/// </summary>
public sealed class CustomerPartition
{
    /// <summary>The row key of a customer's profile.</summary>
    public const string ProfileRowKey = CustomerProfile.RowKey;

    /// <summary>The prefix of a customer's recent-activity rows; their keys make a partition read return the newest first.</summary>
    public const string ActivityRowPrefix = ActivityRows.Prefix;

    private readonly TableClient _table;

    public CustomerPartition(TableClient table, string tenant, string subject)
    {
        _table = table;
        PartitionKey = TableKeys.Customer(tenant, subject);
    }

    public string PartitionKey { get; }

    public static bool IsProfile(string rowKey) => rowKey == CustomerProfile.RowKey;

    public static bool IsActivity(string rowKey)
    {
        ArgumentNullException.ThrowIfNull(rowKey);
        return rowKey.StartsWith(ActivityRows.Prefix, StringComparison.Ordinal);
    }

    public static bool IsSubjectIndex(string rowKey)
    {
        ArgumentNullException.ThrowIfNull(rowKey);
        return rowKey.StartsWith(SubjectIndex.Prefix, StringComparison.Ordinal);
    }

    public static bool IsClaim(string rowKey) => ClaimRows.IsClaim(rowKey);

    /// <summary>What a row is, in words a finding can use: profile, activity, subject index or dedupe claim.</summary>
    public static string KindOf(string rowKey) =>
        IsProfile(rowKey) ? "profile" : IsActivity(rowKey) ? "activity" : IsSubjectIndex(rowKey) ? "subject index" : IsClaim(rowKey) ? "dedupe claim" : "unknown";

    /// <summary>The keys of every row in the partition.</summary>
    public async Task<List<string>> RowKeysAsync(CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == PartitionKey, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            keys.Add(row.RowKey);
        }

        return keys;
    }

    /// <summary>The blobs of one container that the subject index says hold the customer's events.</summary>
    public async Task<List<BlobRef>> IndexedBlobsAsync(string container, CancellationToken cancellationToken)
    {
        var prefix = SubjectIndex.Prefix + container + TableKeys.Separator;
        var blobs = new List<BlobRef>();
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == PartitionKey && e.RowKey.CompareTo(prefix) >= 0 && e.RowKey.CompareTo(prefix + "~") < 0,
            cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            blobs.Add(new BlobRef(container, row.GetString("Blob"), row.GetInt32("Events") ?? 0));
        }

        return blobs;
    }

    /// <summary>Deletes the given rows, a transaction per hundred.</summary>
    public async Task DeleteRowsAsync(IReadOnlyList<string> rowKeys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rowKeys);
        foreach (var chunk in rowKeys.Chunk(TableTransactions.MaxActions))
        {
            await _table.SubmitTransactionAsync(chunk.Select(key => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(PartitionKey, key), ETag.All)),
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes the subject-index row of one blob; a row already gone is fine.</summary>
    public async Task ForgetBlobAsync(BlobRef blob, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(PartitionKey, SubjectIndex.RowKey(blob), ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Forgotten by an earlier run.
        }
    }

    /// <summary>
    /// The profile and recent activity as JSON (internal bookkeeping left out), and the raw blobs that hold the
    /// customer's events. The event-id claims, a row per event ever stored, are not read.
    /// </summary>
    public async Task<(JsonObject? Profile, JsonArray Activity, List<string> RawBlobs)> ReadAsync(string rawContainer, CancellationToken cancellationToken)
    {
        JsonObject? profile = null;
        var activity = new JsonArray();
        var rawBlobs = new List<string>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionKey} and (RowKey lt {ClaimRows.Prefix} or RowKey ge {ClaimRows.After})");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (IsSubjectIndex(row.RowKey))
            {
                if (row.GetString("Container") == rawContainer)
                {
                    rawBlobs.Add(row.GetString("Blob"));
                }

                continue;
            }

            var properties = new JsonObject();
            foreach (var (key, value) in row.Where(p => p.Key is not ("odata.etag" or "PartitionKey" or "RowKey" or CustomerProfile.ActivityKeysProperty)))
            {
                properties[key] = JsonSerializer.SerializeToNode(value);
            }

            if (IsProfile(row.RowKey))
            {
                profile = properties;
            }
            else if (IsActivity(row.RowKey))
            {
                activity.Add(properties);
            }
        }

        return (profile, activity, rawBlobs);
    }
}
