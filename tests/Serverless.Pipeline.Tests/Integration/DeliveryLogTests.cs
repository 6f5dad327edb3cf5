using Azure.Data.Tables;
using Serverless.Pipeline.Ingestion;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Tests.Support;

namespace Serverless.Pipeline.Tests.Integration;

/// <summary>
/// The webhook delivery log, bucketed by a hash of the delivery id, and deliveries recorded under the earlier layout
/// (one partition per source) still recognized as replays for a window after the upgrade.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DeliveryLogTests(AzuriteFixture azurite)
{
    private const string Source = "intake-pro";
    private static readonly DateTimeOffset Upgrade = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);

    private static DeliveryLog Log(TableClient table, DateTimeOffset now) => new(table, new FixedTimeProvider(now));

    private static Task RecordAsEarlierVersionAsync(TableClient table, string deliveryId) =>
        table.AddEntityAsync(new TableEntity(DeliveryLog.EarlierPartitionKey(Source), deliveryId) { ["ReceivedAt"] = Upgrade.AddMinutes(-5) });

    [Fact]
    public async Task RecordAsync_ManyDeliveriesOfOneSource_SpreadOverBucketPartitionsAndAreFound()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        var table = harness.Services.Storage.Deliveries;
        var log = Log(table, Upgrade);
        var ids = Enumerable.Range(0, 64).Select(i => $"msg_{i:D4}").ToList();

        foreach (var id in ids)
        {
            await log.RecordAsync(Source, id, CancellationToken.None);
        }

        var rows = (await harness.EntitiesAsync(table)).Where(r => r.PartitionKey != LayoutCutover.MarkerPartition).ToList();
        Assert.Equal(64, rows.Count);
        Assert.All(rows, r => Assert.Equal(DeliveryLog.PartitionKey(Source, r.RowKey), r.PartitionKey));
        Assert.True(rows.Select(r => r.PartitionKey).Distinct().Count() > 8);
        Assert.All(rows, r => Assert.StartsWith(Source + "|", r.PartitionKey, StringComparison.Ordinal));
        foreach (var id in ids)
        {
            Assert.True(await log.ContainsAsync(Source, id, CancellationToken.None));
        }

        Assert.False(await log.ContainsAsync(Source, "msg_9999", CancellationToken.None));
        Assert.False(await log.ContainsAsync("crm-hub", ids[0], CancellationToken.None));
    }

    [Fact]
    public async Task ContainsAsync_DeliveryRecordedUnderTheEarlierLayoutJustBeforeTheUpgrade_IsAReplay()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        var table = harness.Services.Storage.Deliveries;
        await RecordAsEarlierVersionAsync(table, "msg_before");
        var log = Log(table, Upgrade);

        Assert.True(await log.ContainsAsync(Source, "msg_before", CancellationToken.None));
        Assert.False(await log.ContainsAsync(Source, "msg_other", CancellationToken.None));
        // Another process of the new version, started later within the window, reads the same marker.
        Assert.True(await Log(table, Upgrade.AddDays(6)).ContainsAsync(Source, "msg_before", CancellationToken.None));
    }

    [Fact]
    public async Task ContainsAsync_EarlierLayoutPastTheWindow_IsNoLongerRead()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        var table = harness.Services.Storage.Deliveries;
        await RecordAsEarlierVersionAsync(table, "msg_before");
        var upgraded = Log(table, Upgrade);
        Assert.False(await upgraded.ContainsAsync(Source, "msg_after", CancellationToken.None));
        await upgraded.RecordAsync(Source, "msg_after", CancellationToken.None);
        var requests = new RequestLog();
        var later = await StorageHarness.CreateAsync(azurite.Server, harness.Prefix, requests);
        var log = Log(later.Services.Storage.Deliveries, Upgrade + DeliveryLog.EarlierLayoutWindow);

        Assert.False(await log.ContainsAsync(Source, "msg_before", CancellationToken.None));
        Assert.True(await log.ContainsAsync(Source, "msg_after", CancellationToken.None));
        Assert.DoesNotContain(requests.Requests, r => Uri.UnescapeDataString(r.Path).Contains($"PartitionKey='{Source}',", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ContainsAsync_FreshDeployment_NeverReadsTheEarlierLayout()
    {
        var requests = new RequestLog();
        var harness = await StorageHarness.CreateAsync(azurite.Server, fault: requests);
        var log = Log(harness.Services.Storage.Deliveries, Upgrade);
        Assert.False(await log.ContainsAsync(Source, "msg_1", CancellationToken.None));
        await log.RecordAsync(Source, "msg_1", CancellationToken.None);
        requests.Clear();

        Assert.False(await log.ContainsAsync(Source, "msg_2", CancellationToken.None));
        Assert.True(await log.ContainsAsync(Source, "msg_1", CancellationToken.None));

        // One read per lookup, and no marker: nothing of the earlier layout to remember.
        Assert.Equal(2, requests.Requests.Count);
        Assert.DoesNotContain(requests.Requests, r => Uri.UnescapeDataString(r.Path).Contains($"PartitionKey='{Source}',", StringComparison.Ordinal));
        Assert.DoesNotContain(await harness.EntitiesAsync(harness.Services.Storage.Deliveries), r => r.PartitionKey == LayoutCutover.MarkerPartition);
    }
}
