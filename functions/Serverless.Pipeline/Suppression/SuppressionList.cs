using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Storage;

namespace Serverless.Pipeline.Suppression;

/// <summary>
/// The people whose erasure was requested, per tenant, as join keys (partition tenant, row kind|key). Processing
/// reads a tenant's list through a cache that lives at most <see cref="CacheLifetime"/>; the erasure workflow waits
/// that long (plus a batch's processing time) after suppressing before it deletes anything, so no event for the
/// person can be stored after its deletes ran. Processors in this process are told at once instead: a change
/// invalidates every cached list, and <see cref="WaitForEarlierBatchesAsync"/> waits only for the batches that were
/// in flight (see <see cref="EnterBatch"/>) when it happened.
/// </summary>
public sealed class SuppressionList
{
    private readonly TableClient _table;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (long Generation, DateTimeOffset LoadedAt, HashSet<string> Keys)> _cache = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Dictionary<long, long> _batchesInFlight = [];
    private long _generation;
    private long _lastBatch;
    private TaskCompletionSource _batchEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);

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

        Changed();
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

        Changed();
    }

    /// <summary>
    /// Marks a batch of this process in flight, from before it reads the list until its last write; dispose to end it.
    /// </summary>
    public IDisposable EnterBatch()
    {
        lock (_gate)
        {
            var batch = ++_lastBatch;
            _batchesInFlight[batch] = _generation;
            return new BatchInFlight(this, batch);
        }
    }

    /// <summary>
    /// Waits until every batch of this process that entered before the latest change of the list has ended: from then
    /// on, no processor in this process can store an event the list refuses.
    /// </summary>
    public async Task WaitForEarlierBatchesAsync(CancellationToken cancellationToken)
    {
        long generation;
        lock (_gate)
        {
            generation = _generation;
        }

        while (true)
        {
            Task ended;
            lock (_gate)
            {
                if (!_batchesInFlight.Values.Any(g => g < generation))
                {
                    return;
                }

                ended = _batchEnded.Task;
            }

            await ended.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // Every cached list is older than the change: a list loaded while the change was being written is never reused.
    private void Changed()
    {
        lock (_gate)
        {
            _generation++;
        }

        _cache.Clear();
    }

    private void EndBatch(long batch)
    {
        TaskCompletionSource ended;
        lock (_gate)
        {
            _batchesInFlight.Remove(batch);
            ended = _batchEnded;
            _batchEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        ended.TrySetResult();
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
        long generation;
        lock (_gate)
        {
            generation = _generation;
        }

        if (_cache.TryGetValue(tenant, out var cached) && cached.Generation == generation && now - cached.LoadedAt < CacheLifetime)
        {
            return cached.Keys;
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        var partition = TableKeys.Escape(tenant);
        await foreach (var entity in _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            keys.Add(entity.RowKey);
        }

        _cache[tenant] = (generation, now, keys);
        return keys;
    }

    private sealed class BatchInFlight(SuppressionList list, long batch) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                list.EndBatch(batch);
            }
        }
    }
}
