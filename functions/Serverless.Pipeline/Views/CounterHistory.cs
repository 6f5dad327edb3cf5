using System.Globalization;
using Azure.Data.Tables;

namespace Serverless.Pipeline.Views;

/// <summary>One day of the daily counters, summed over tenants and stream partitions.</summary>
public sealed record CounterDay(DateOnly Day, long Stored, long Quarantined);

/// <summary>What the daily counters hold over a range of days: what outlives a process, unlike its own statistics.</summary>
public sealed record CounterTotals(IReadOnlyList<CounterDay> Days, long Stored, long Quarantined, IReadOnlyDictionary<string, long> QuarantinedByReason);

/// <summary>
/// Reads the daily counters (<see cref="DailyCounters"/>) back as totals per day: stored events are counted under their
/// event type, quarantined ones under <see cref="DailyCounters.QuarantinePrefix"/> and their reason. Every row carries
/// its day, name and count, and rows count disjoint events, so the rows of both layouts (a Table partition per tenant,
/// day and stream partition; before, per tenant and day) are summed alike.
/// </summary>
public static class CounterHistory
{
    public static async Task<CounterTotals> ReadAsync(TableClient counters, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counters);
        var first = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var last = to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var stored = new SortedDictionary<DateOnly, long>();
        var quarantined = new SortedDictionary<DateOnly, long>();
        var byReason = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"Day ge {first} and Day le {last}");
        await foreach (var row in counters.QueryAsync<TableEntity>(filter, select: ["Day", "Name", "Count"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.GetString("Day") is not { } dayText || row.GetString("Name") is not { } name
                || !DateOnly.TryParseExact(dayText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                continue;
            }

            var count = row.GetInt64("Count") ?? 0;
            if (name.StartsWith(DailyCounters.QuarantinePrefix, StringComparison.Ordinal))
            {
                quarantined[day] = quarantined.GetValueOrDefault(day) + count;
                var reason = name[DailyCounters.QuarantinePrefix.Length..];
                byReason[reason] = byReason.GetValueOrDefault(reason) + count;
            }
            else
            {
                stored[day] = stored.GetValueOrDefault(day) + count;
            }
        }

        var days = stored.Keys.Union(quarantined.Keys).Order()
            .Select(day => new CounterDay(day, stored.GetValueOrDefault(day), quarantined.GetValueOrDefault(day)))
            .ToList();
        return new CounterTotals(days, stored.Values.Sum(), quarantined.Values.Sum(), byReason);
    }
}
