using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Tests.Support;
using Serverless.Pipeline.Views;

namespace Serverless.Pipeline.Tests.Integration;

/// <summary>
/// Daily counters sharded by stream partition (a Table partition per tenant, day and stream partition), summed on
/// read, with rows of the earlier layout (one Table partition per tenant and day) still counted and never counted twice.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DailyCountersTests(AzuriteFixture azurite)
{
    private const string Tenant = "acme-law";
    private const string PageViewed = "com.example.portal.page_viewed";
    private static readonly DateOnly Day = new(2026, 11, 21);

    private static CounterIncrement At(string partition, long sequence, string name = PageViewed) => new(Tenant, Day, name, new StreamPosition(partition, sequence));

    private static TableEntity LegacyRow(string partition, long count, long watermark, string name = PageViewed) =>
        new(DailyCounters.LegacyPartitionKey(Tenant, Day), name + "|" + partition)
        {
            ["Tenant"] = Tenant, ["Day"] = "2026-11-21", ["Name"] = name, ["StreamPartition"] = partition, ["Count"] = count, ["wm_" + partition] = watermark,
        };

    [Fact]
    public async Task AddAsync_IncrementsOfSeveralStreamPartitions_GoToATablePartitionEachAndAreSummedOnRead()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        var counters = new DailyCounters(harness.Services.Storage.Counters);
        var increments = Enumerable.Range(0, 6)
            .SelectMany(p => new[] { PageViewed, "intake.lead.created", DailyCounters.QuarantinePrefix + "SchemaViolation" }
                .Select(name => At(p.ToString(CultureInfo.InvariantCulture), 1, name)))
            .ToList();

        await counters.AddAsync(increments, 2, CancellationToken.None);

        var rows = await harness.EntitiesAsync(harness.Services.Storage.Counters);
        Assert.Equal(18, rows.Count);
        Assert.All(rows, r => Assert.Equal(DailyCounters.PartitionKey(Tenant, Day, r.GetString("StreamPartition")), r.PartitionKey));
        Assert.Equal(6, rows.Select(r => r.PartitionKey).Distinct().Count());
        Assert.Equal(6, await counters.GetAsync(Tenant, Day, PageViewed, CancellationToken.None));
        var history = await CounterHistory.ReadAsync(harness.Services.Storage.Counters, Day, Day, CancellationToken.None);
        Assert.Equal((12L, 6L), (history.Stored, history.Quarantined));
    }

    [Fact]
    public async Task GetAsync_RowsOfTheEarlierLayoutBesideNewOnes_AreSummedWithThem()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        var table = harness.Services.Storage.Counters;
        await table.AddEntityAsync(LegacyRow("0", 5, 104));
        await table.AddEntityAsync(LegacyRow("1", 7, 206));
        var counters = new DailyCounters(table);

        await counters.AddAsync([At("0", 105), At("0", 106), At("2", 1)], 2, CancellationToken.None);

        Assert.Equal(15, await counters.GetAsync(Tenant, Day, PageViewed, CancellationToken.None));
        var history = await CounterHistory.ReadAsync(table, Day, Day, CancellationToken.None);
        Assert.Equal(15L, Assert.Single(history.Days).Stored);
    }

    [Fact]
    public async Task AddAsync_BatchCountedInTheEarlierLayoutThenRedeliveredAfterTheUpgrade_IsNotCountedAgain()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        var table = harness.Services.Storage.Counters;
        // The earlier version counted sequence numbers 10..12 of stream partition 0, then died before its checkpoint.
        await table.AddEntityAsync(LegacyRow("0", 3, 12));
        var counters = new DailyCounters(table);

        await counters.AddAsync([At("0", 10), At("0", 11), At("0", 12), At("0", 13)], 2, CancellationToken.None);
        await counters.AddAsync([At("0", 13), At("0", 14)], 2, CancellationToken.None);

        Assert.Equal(5, await counters.GetAsync(Tenant, Day, PageViewed, CancellationToken.None));
        var row = (await table.GetEntityAsync<TableEntity>(DailyCounters.PartitionKey(Tenant, Day, "0"), PageViewed + "|0")).Value;
        Assert.Equal((2L, 14L), (row.GetInt64("Count"), row.GetInt64("wm_0")));
    }

    [Fact]
    public async Task AddAsync_RowRewrittenBehindTheCache_ReadsAgainAndCountsOnce()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        var table = harness.Services.Storage.Counters;
        var counters = new DailyCounters(table);
        await counters.AddAsync([At("0", 1)], 2, CancellationToken.None);
        var row = (await table.GetEntityAsync<TableEntity>(DailyCounters.PartitionKey(Tenant, Day, "0"), PageViewed + "|0")).Value;
        row["Count"] = 10L;
        row["wm_0"] = 9L;
        await table.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace);

        await counters.AddAsync([At("0", 9), At("0", 10)], 2, CancellationToken.None);

        Assert.Equal(11, await counters.GetAsync(Tenant, Day, PageViewed, CancellationToken.None));
    }
}
