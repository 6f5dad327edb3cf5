using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Enrichment;

/// <summary>
/// Tenants' own lookup tables (campaign code -> campaign name, office -> region) in one Table storage table,
/// partition <c>{tenant}|{table}</c>, row key the code, property <c>Value</c>. Processing reads a whole table at
/// once and keeps it for <see cref="EnrichmentOptions.ReferenceCacheLifetime"/>; codes match case-insensitively.
/// </summary>
public sealed partial class ReferenceTables
{
    public const string ValueProperty = "Value";
    private readonly TableClient _table;
    private readonly TimeProvider _time;
    private readonly EnrichmentOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Cached> _cache = new(StringComparer.Ordinal);

    public ReferenceTables(TableClient table, TimeProvider time, EnrichmentOptions options, ILogger logger)
    {
        _table = table;
        _time = time;
        _options = options;
        _logger = logger;
    }

    public static bool IsValidTableName(string name) => EnrichmentRule.IsValidTableName(name);

    public static string PartitionKey(string tenant, string table) => TableKeys.Join(tenant, table);

    /// <summary>Fills in the reference lookups the batch's events deferred, one read per table not cached.</summary>
    public async Task ResolveAsync(IEnumerable<EventEnrichments> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var pending = events.Where(e => e.Pending.Count > 0).ToList();
        foreach (var group in pending.SelectMany(e => e.Pending).GroupBy(p => (p.Tenant, p.Table)))
        {
            var rows = await GetAsync(group.Key.Tenant, group.Key.Table, cancellationToken).ConfigureAwait(false);
            foreach (var lookup in group)
            {
                if (rows is null)
                {
                    EventEnrichments.MarkMissing(lookup.Entry, MissingReason.TableUnavailable, lookup.Tenant);
                }
                else if (rows.TryGetValue(lookup.Key, out var value))
                {
                    lookup.Entry.Add("value", value);
                }
                else
                {
                    EventEnrichments.MarkMissing(lookup.Entry, MissingReason.UnknownValue, lookup.Tenant);
                }
            }
        }

        pending.ForEach(e => e.ClearPending());
    }

    /// <summary>The table's rows by code, from the cache while it is fresh; null when storage cannot be read.</summary>
    public async Task<IReadOnlyDictionary<string, string>?> GetAsync(string tenant, string table, CancellationToken cancellationToken)
    {
        var partition = PartitionKey(tenant, table);
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(partition, out var cached) && cached.Expires > now)
        {
            return cached.Rows;
        }

        var rows = await ReadAsync(partition, table, cancellationToken).ConfigureAwait(false);
        if (rows is not null)
        {
            Evict(now);
            _cache[partition] = new Cached(rows, now + _options.ReferenceCacheLifetime);
        }

        return rows;
    }

    public async Task SetAsync(string tenant, string table, string code, string value, CancellationToken cancellationToken)
    {
        var partition = PartitionKey(tenant, table);
        var rowKey = TableKeys.Escape(code);
        var exists = await _table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, [ValueProperty], cancellationToken).ConfigureAwait(false);
        if (!exists.HasValue && await CountAsync(partition, cancellationToken).ConfigureAwait(false) >= _options.ReferenceTableMaxRows)
        {
            throw new InvalidOperationException($"Reference table '{table}' already holds {_options.ReferenceTableMaxRows} rows, the most processing reads.");
        }

        await _table.UpsertEntityAsync(new TableEntity(partition, rowKey) { [ValueProperty] = value }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(string tenant, string table, string code, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(PartitionKey(tenant, table), TableKeys.Escape(code), ETag.All, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <summary>The table's rows as stored, ordered by code.</summary>
    public async Task<IReadOnlyList<(string Code, string Value)>> ListAsync(string tenant, string table, CancellationToken cancellationToken)
    {
        var rows = new List<(string, string)>();
        await foreach (var row in Query(PartitionKey(tenant, table), cancellationToken).ConfigureAwait(false))
        {
            rows.Add((Uri.UnescapeDataString(row.RowKey), row.GetString(ValueProperty) ?? string.Empty));
        }

        return rows;
    }

    private async Task<Dictionary<string, string>?> ReadAsync(string partition, string table, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            await foreach (var row in Query(partition, cancellationToken).ConfigureAwait(false))
            {
                if (rows.Count >= _options.ReferenceTableMaxRows)
                {
                    LogTruncated(table, _options.ReferenceTableMaxRows);
                    break;
                }

                rows[Uri.UnescapeDataString(row.RowKey)] = row.GetString(ValueProperty) ?? string.Empty;
            }
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException)
        {
            LogUnavailable(table, ex is RequestFailedException failed ? $"{failed.Status} {failed.ErrorCode}" : ex.GetType().Name);
            return null;
        }

        return rows;
    }

    private async Task<int> CountAsync(string partition, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var _ in _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            count++;
        }

        return count;
    }

    private IAsyncEnumerable<TableEntity> Query(string partition, CancellationToken cancellationToken) =>
        _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: ["RowKey", ValueProperty], cancellationToken: cancellationToken);

    // Keeps the cache bounded: expired tables go, then those closest to expiry until there is room for one more.
    private void Evict(DateTimeOffset now)
    {
        foreach (var (key, cached) in _cache)
        {
            if (cached.Expires <= now)
            {
                _cache.TryRemove(key, out _);
            }
        }

        while (_cache.Count >= Math.Max(1, _options.ReferenceCacheTables))
        {
            var oldest = _cache.MinBy(pair => pair.Value.Expires).Key;
            _cache.TryRemove(oldest, out _);
        }
    }

    [LoggerMessage(EventId = 3402, Level = LogLevel.Warning, Message = "Reference table {Table} could not be read ({Failure}); its lookups are marked missing")]
    private partial void LogUnavailable(string table, string failure);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Warning, Message = "Reference table {Table} holds more than {MaxRows} rows; only the first are used")]
    private partial void LogTruncated(string table, int maxRows);

    private sealed record Cached(IReadOnlyDictionary<string, string> Rows, DateTimeOffset Expires);
}
