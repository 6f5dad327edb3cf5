using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Views;

/// <summary>
/// Which customers carry an email or phone, by join key, so that an erasure asked for by email or phone finds every
/// customer record of the person, those known only from quarantined events included (their identifiers in canonical
/// form, normalized where they could be). A row per key and subject, its partition tenant|kind|~bucket (a hash of the
/// key) and its row key the key and a digest of the subject, so that a batch's rows go in a few transactions and a
/// key's rows are one range of one partition. Rows of the earlier layout (partition tenant|kind|key, row key the
/// subject) are still found and deleted; every row carries its subject.
/// </summary>
public sealed class IdentityIndex
{
    private const int Buckets = 16;
    private readonly TableClient _table;
    private readonly Pseudonymizer _pseudonymizer;
    private readonly TimeProvider _time;

    // Rows this instance upserted, and when: an unchanged row is not written again within RewriteAfter, which also
    // bounds how long a row deleted behind this instance's back (a view rebuild) can stay missing.
    private readonly BoundedCache<(string PartitionKey, string RowKey), DateTimeOffset> _written = new(20_000);

    public IdentityIndex(TableClient table, Pseudonymizer pseudonymizer, TimeProvider? time = null)
    {
        _table = table;
        _pseudonymizer = pseudonymizer;
        _time = time ?? TimeProvider.System;
    }

    public static TimeSpan RewriteAfter { get; } = TimeSpan.FromHours(1);

    /// <summary>Records the customers' rows, a transaction per partition touched; rows this instance wrote lately are skipped.</summary>
    public async Task RecordAsync(IEnumerable<SubjectBatch> batches, int concurrency, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var now = _time.GetUtcNow();
        var chunks = batches
            .SelectMany(b => Rows(_pseudonymizer, b.Tenant, b.Subject, b.Events.Select(e => e.Contact).Concat(b.Quarantined.SelectMany(q => q.AsContacts())))
                .Select(row => (Row: row, b.Subject)))
            .Where(r => !_written.TryGet(r.Row, out var writtenAt) || now - writtenAt >= RewriteAfter)
            .GroupBy(r => r.Row.PartitionKey, StringComparer.Ordinal)
            .SelectMany(g => g.Chunk(TableTransactions.MaxActions))
            .ToList();
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (chunk, ct) =>
        {
            await _table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(r.Row.PartitionKey, r.Row.RowKey) { ["Subject"] = r.Subject })), ct).ConfigureAwait(false);
            foreach (var (row, _) in chunk)
            {
                _written.Set(row, now);
            }
        }).ConfigureAwait(false);
    }

    /// <summary>The rows (partition and row keys) that tie a customer's emails and phones, as events gave them, to the customer.</summary>
    internal static HashSet<(string PartitionKey, string RowKey)> Rows(Pseudonymizer pseudonymizer, string tenant, string subject,
        IEnumerable<IReadOnlyDictionary<ContactField, string>> contacts) =>
        contacts
            .Select(contact => SubjectKeys.Of(pseudonymizer, tenant, subject, contact))
            .SelectMany(k => k.All().Where(x => x.Kind != SubjectKeys.SubjectKind))
            .Select(k => (BucketPartitionKey(tenant, k.Kind, k.Key), k.Key + TableKeys.Separator + SubjectDigest(subject)))
            .ToHashSet();

    // The subject's digest, not the subject, keeps the row key short whatever the subject's length.
    private static string SubjectDigest(string subject) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(subject)), 0, 16);

    // Rows of one key, in either layout.
    private IAsyncEnumerable<TableEntity> RowsOfKeyAsync(string tenant, string kind, string key, CancellationToken cancellationToken)
    {
        var legacy = PartitionKey(tenant, kind, key);
        var bucket = BucketPartitionKey(tenant, kind, key);
        var first = key + TableKeys.Separator;
        return _table.QueryAsync<TableEntity>(e => e.PartitionKey == legacy || e.PartitionKey == bucket && e.RowKey.CompareTo(first) >= 0 && e.RowKey.CompareTo(first + "~") < 0,
            select: ["PartitionKey", "RowKey", "Subject"], cancellationToken: cancellationToken);
    }

    public async Task<IReadOnlyList<string>> FindSubjectsAsync(string tenant, SubjectKeys keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var subjects = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (kind, key) in keys.All().Where(k => k.Kind != SubjectKeys.SubjectKind))
        {
            await foreach (var row in RowsOfKeyAsync(tenant, kind, key, cancellationToken).ConfigureAwait(false))
            {
                subjects.Add(row.GetString("Subject"));
            }
        }

        return [.. subjects];
    }

    /// <summary>Every row that ties the given keys, or the given subjects, to anyone.</summary>
    public async Task<List<(string PartitionKey, string RowKey)>> RowsOfAsync(string tenant, IEnumerable<SubjectKeys> keys, IReadOnlyCollection<string> subjects,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(subjects);
        var rows = new SortedSet<(string, string)>();
        foreach (var (kind, key) in keys.SelectMany(k => k.All()).Where(k => k.Kind != SubjectKeys.SubjectKind).Distinct())
        {
            await foreach (var row in RowsOfKeyAsync(tenant, kind, key, cancellationToken).ConfigureAwait(false))
            {
                rows.Add((row.PartitionKey, row.RowKey));
            }
        }

        // The subjects' other emails and phones (an older address, say) are tied to them too.
        var subjectSet = subjects.ToHashSet(StringComparer.Ordinal);
        var tenantPrefix = TableKeys.Escape(tenant) + TableKeys.Separator;
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo(tenantPrefix) >= 0 && e.PartitionKey.CompareTo(tenantPrefix + "~") < 0,
            select: ["PartitionKey", "RowKey", "Subject"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.GetString("Subject") is { } subject && subjectSet.Contains(subject))
            {
                rows.Add((row.PartitionKey, row.RowKey));
            }
        }

        return [.. rows];
    }

    /// <summary>Deletes the given rows; those already gone are skipped.</summary>
    public async Task DeleteRowsAsync(IEnumerable<(string PartitionKey, string RowKey)> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var (partitionKey, rowKey) in rows)
        {
            await DeleteAsync(partitionKey, rowKey, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<int> DeleteAsync(string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken).ConfigureAwait(false);
            return 1;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return 0;
        }
    }

    // The earlier layout's partition: one per key.
    private static string PartitionKey(string tenant, string kind, string key) =>
        TableKeys.Escape(tenant) + TableKeys.Separator + kind + TableKeys.Separator + key;

    // '~' never starts a join key (key id, '_', base64url), so a bucket partition is never a key's own partition.
    internal static string BucketPartitionKey(string tenant, string kind, string key) =>
        TableKeys.Escape(tenant) + TableKeys.Separator + kind + TableKeys.Separator + "~" + Bucket(key).ToString("x1", CultureInfo.InvariantCulture);

    // Stable across processes, unlike string.GetHashCode.
    private static uint Bucket(string key) => unchecked(key.Aggregate(17u, (hash, c) => hash * 31 + c)) % Buckets;
}
