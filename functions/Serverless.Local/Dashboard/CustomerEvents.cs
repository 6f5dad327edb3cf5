using Azure.Data.Tables;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Views;

namespace Serverless.Local.Dashboard;

/// <summary>One event of a customer's recent activity, as the customer view holds it (data pseudonymized).</summary>
public sealed record CustomerEvent(string EventId, string Type, string Source, DateTimeOffset Time, string Data);

/// <summary>A customer's profile summary and latest events, newest first.</summary>
public sealed record CustomerActivity(string Tenant, string Subject, long EventCount, DateTimeOffset? FirstSeen, DateTimeOffset? LastSeen,
    IReadOnlyList<CustomerEvent> Events);

/// <summary>
/// Reads a customer's partition of the customer view: the profile row, and the activity rows, whose keys
/// (<c>act|</c> + inverted ticks) make a plain partition read return the newest first.
/// </summary>
internal static class CustomerEvents
{
    private const string ActivityPrefix = CustomerPartition.ActivityRowPrefix;

    public static async Task<CustomerActivity?> ReadAsync(TableClient customers, string tenant, string subject, int limit, CancellationToken cancellationToken)
    {
        var partition = TableKeys.Customer(tenant, subject);
        var profile = await customers.GetEntityIfExistsAsync<TableEntity>(partition, CustomerPartition.ProfileRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!profile.HasValue || profile.Value is null)
        {
            return null;
        }

        // '}' follows '|' in ordinal order, so the range holds exactly the activity rows.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {ActivityPrefix} and RowKey lt {ActivityPrefix[..^1] + "}"}");
        var events = new List<CustomerEvent>();
        await foreach (var row in customers.QueryAsync<TableEntity>(filter, maxPerPage: limit, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            events.Add(new CustomerEvent(row.GetString("EventId") ?? string.Empty, row.GetString("Type") ?? string.Empty, row.GetString("Source") ?? string.Empty,
                row.GetDateTimeOffset("Time") ?? DateTimeOffset.MinValue, row.GetString("Data") ?? "{}"));
            if (events.Count == limit)
            {
                break;
            }
        }

        var p = profile.Value;
        return new CustomerActivity(tenant, subject, p.GetInt64("EventCount") ?? 0, p.GetDateTimeOffset("FirstSeen"), p.GetDateTimeOffset("LastSeen"), events);
    }
}
