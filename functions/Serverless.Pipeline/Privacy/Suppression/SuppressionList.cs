using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Serverless.Pipeline.Storage;

namespace Serverless.Pipeline.Privacy.Suppression;

/// <summary>
/// The people whose erasure was requested, per tenant, as join keys (partition tenant, row kind|key). Processing
/// reads a tenant's list through a cache that lives at most <see cref="CacheLifetime"/>; the erasure workflow waits
/// that long (plus a batch's processing time) after suppressing before it deletes anything, so no event for the
/// person can be stored after its deletes ran.
/// </summary>
public sealed class SuppressionList
{
    private readonly TableClient _table;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (DateTimeOffset LoadedAt, HashSet<string> Keys)> _cache = new(StringComparer.Ordinal);

    public SuppressionList(TableClient table, TimeProvider time, TimeSpan cacheLifetime)
    {
        _table = table;
        _time = time;
        CacheLifetime = cacheLifetime;
    }

    public TimeSpan CacheLifetime { get; }

    public async Task AddAsync(string tenant, SubjectKeys keys, string requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var (kind, key) in keys.All())
        {
            await _table.UpsertEntityAsync(new TableEntity(TableKeys.Escape(tenant), kind + TableKeys.Separator + key)
            {
                ["RequestId"] = requestId,
                ["SuppressedAt"] = _time.GetUtcNow(),
            }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }

        _cache.TryRemove(tenant, out _);
    }

    /// <summary>Lifts the suppression of a request that was cancelled or expired before anything was erased.</summary>
    public async Task RemoveAsync(string tenant, SubjectKeys keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var (kind, key) in keys.All())
        {
            try
            {
                await _table.DeleteEntityAsync(TableKeys.Escape(tenant), kind + TableKeys.Separator + key, ETag.All, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Not there: nothing to lift.
            }
        }

        _cache.TryRemove(tenant, out _);
    }

    /// <summary>Whether any of the event's keys is suppressed, as of at most <see cref="CacheLifetime"/> ago.</summary>
    public async ValueTask<bool> IsSuppressedAsync(string tenant, SubjectKeys keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var suppressed = await KeysOfAsync(tenant, cancellationToken).ConfigureAwait(false);
        return suppressed.Count > 0 && keys.All().Any(k => suppressed.Contains(k.Kind + TableKeys.Separator + k.Key));
    }

    private async ValueTask<HashSet<string>> KeysOfAsync(string tenant, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(tenant, out var cached) && now - cached.LoadedAt < CacheLifetime)
        {
            return cached.Keys;
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        var partition = TableKeys.Escape(tenant);
        await foreach (var entity in _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            keys.Add(entity.RowKey);
        }

        _cache[tenant] = (now, keys);
        return keys;
    }
}
