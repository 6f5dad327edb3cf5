using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Serverless.Pipeline.Storage;

namespace Serverless.Pipeline.Tests.Support;

/// <summary>Every hot-view entity of one tenant (customers, counters, identities) as text, without Timestamp or ETag.</summary>
internal static class ViewSnapshot
{
    public static async Task<string> TakeAsync(PipelineStorage storage, string tenant)
    {
        var text = new StringBuilder();
        foreach (var table in Tables(storage))
        {
            foreach (var entity in (await TenantEntitiesAsync(table, tenant)).OrderBy(e => e.PartitionKey, StringComparer.Ordinal).ThenBy(e => e.RowKey, StringComparer.Ordinal))
            {
                text.Append(table.Name).Append(' ').Append(entity.PartitionKey).Append(' ').AppendLine(entity.RowKey);
                foreach (var (key, value) in entity.Where(p => p.Key is not ("Timestamp" or "odata.etag" or "PartitionKey" or "RowKey")).OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    text.Append("  ").Append(key).Append(" (").Append(value?.GetType().Name).Append(")=")
                        .AppendLine(Convert.ToString(value, CultureInfo.InvariantCulture));
                }
            }
        }

        return text.ToString();
    }

    /// <summary>Deletes every view entity of the tenant, as a lost or corrupted table would leave it.</summary>
    public static async Task WipeAsync(PipelineStorage storage, string tenant)
    {
        foreach (var table in Tables(storage))
        {
            foreach (var entity in await TenantEntitiesAsync(table, tenant))
            {
                await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, ETag.All);
            }
        }
    }

    public static async Task<List<TableEntity>> TenantEntitiesAsync(TableClient table, string tenant)
    {
        var prefix = TableKeys.Escape(tenant) + TableKeys.Separator;
        var entities = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo(prefix) >= 0 && e.PartitionKey.CompareTo(prefix + "~") < 0))
        {
            entities.Add(entity);
        }

        return entities;
    }

    private static TableClient[] Tables(PipelineStorage storage) => [storage.Customers, storage.Counters, storage.Identities];
}
