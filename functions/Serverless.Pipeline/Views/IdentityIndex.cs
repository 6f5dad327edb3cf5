using Azure;
using Azure.Data.Tables;
using Serverless.Pipeline.Privacy;
using Serverless.Pipeline.Privacy.Suppression;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Views;

/// <summary>
/// Which customers carry an email or phone, by join key (partition tenant|kind|key, a row per subject), so that an
/// erasure asked for by email or phone finds every customer record of the person, those known only from quarantined
/// events included (their identifiers in canonical form, normalized where they could be).
/// </summary>
public sealed class IdentityIndex
{
    private readonly TableClient _table;
    private readonly Pseudonymizer _pseudonymizer;
    private readonly TimeProvider _time;

    // Rows this instance upserted, and when: an unchanged row is not written again within RewriteAfter, which also
    // bounds how long a row deleted behind this instance's back (a view rebuild) can stay missing.
    private readonly BoundedCache<(string PartitionKey, string RowKey), DateTimeOffset> _written = new(50_000);

    public IdentityIndex(TableClient table, Pseudonymizer pseudonymizer, TimeProvider? time = null)
    {
        _table = table;
        _pseudonymizer = pseudonymizer;
        _time = time ?? TimeProvider.System;
    }

    public static TimeSpan RewriteAfter { get; } = TimeSpan.FromHours(1);

    public async Task RecordAsync(SubjectBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var row in Rows(_pseudonymizer, batch.Tenant, batch.Subject, batch.Events.Select(e => e.Contact).Concat(batch.Quarantined.SelectMany(q => q.AsContacts()))))
        {
            var now = _time.GetUtcNow();
            if (_written.TryGet(row, out var writtenAt) && now - writtenAt < RewriteAfter)
            {
                continue;
            }

            await _table.UpsertEntityAsync(new TableEntity(row.PartitionKey, row.RowKey)
            {
                ["Subject"] = batch.Subject,
            }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            _written.Set(row, now);
        }
    }

    /// <summary>The rows (partition and row keys) that tie a customer's emails and phones, as events gave them, to the customer.</summary>
    internal static HashSet<(string PartitionKey, string RowKey)> Rows(Pseudonymizer pseudonymizer, string tenant, string subject,
        IEnumerable<IReadOnlyDictionary<ContactField, string>> contacts) =>
        contacts
            .Select(contact => SubjectKeys.Of(pseudonymizer, tenant, subject, contact))
            .SelectMany(k => k.All().Where(x => x.Kind != SubjectKeys.SubjectKind))
            .Select(k => (PartitionKey(tenant, k.Kind, k.Key), TableKeys.Escape(subject)))
            .ToHashSet();

    public async Task<IReadOnlyList<string>> FindSubjectsAsync(string tenant, SubjectKeys keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var subjects = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (kind, key) in keys.All().Where(k => k.Kind != SubjectKeys.SubjectKind))
        {
            var partition = PartitionKey(tenant, kind, key);
            await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken).ConfigureAwait(false))
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
            var partition = PartitionKey(tenant, kind, key);
            await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                rows.Add((row.PartitionKey, row.RowKey));
            }
        }

        // The subjects' other emails and phones (an older address, say) are tied to them too.
        var escapedSubjects = subjects.Select(TableKeys.Escape).ToHashSet(StringComparer.Ordinal);
        var tenantPrefix = TableKeys.Escape(tenant) + TableKeys.Separator;
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo(tenantPrefix) >= 0 && e.PartitionKey.CompareTo(tenantPrefix + "~") < 0,
            select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (escapedSubjects.Contains(row.RowKey))
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

    internal static string PartitionKey(string tenant, string kind, string key) =>
        TableKeys.Escape(tenant) + TableKeys.Separator + kind + TableKeys.Separator + key;
}
