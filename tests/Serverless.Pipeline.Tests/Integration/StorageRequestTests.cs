using Azure.Data.Tables;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Tests.Support;
using Serverless.Pipeline.Views;

namespace Serverless.Pipeline.Tests.Integration;

/// <summary>The requests saved per event (cached profiles, profiles assumed new, identity rows not rewritten, counters read by row) leave the state of one clean run.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageRequestTests(AzuriteFixture azurite)
{
    private static readonly DateOnly Day = new(2026, 11, 21);

    private static byte[][] PageViews(string run, int customers) =>
        Enumerable.Range(0, customers).Select(c => TestEvents.PageViewed($"{run}-{c}", $"customer/{c}", $"2026-11-21T10:{c % 60:D2}:00Z")).ToArray();

    private static async Task<TableEntity> ProfileAsync(StorageHarness harness, string subject) =>
        (await harness.Services.Storage.Customers.GetEntityAsync<TableEntity>(TableKeys.Customer("acme-law", subject), "profile")).Value;

    [Fact]
    public async Task ProcessAsync_CustomerThisInstanceWroteLast_WritesWithoutReadingTheProfile()
    {
        var log = new RequestLog();
        var harness = await StorageHarness.CreateAsync(azurite.Server, fault: log);
        await harness.Processor.ProcessAsync(TestEvents.Batch("0", 0, TestEvents.PageViewed("e-1", "customer/1")), CancellationToken.None);
        log.Clear();

        await harness.Processor.ProcessAsync(TestEvents.Batch("0", 1, TestEvents.PageViewed("e-2", "customer/1", "2026-11-21T11:00:00Z")), CancellationToken.None);

        Assert.Equal(0, log.ProfileReads);
        Assert.Equal(2L, (await ProfileAsync(harness, "customer/1")).GetInt64("EventCount"));
    }

    [Fact]
    public async Task ProcessAsync_ProfileChangedByAnotherInstance_ReadsAgainAndCountsEveryEvent()
    {
        var log = new RequestLog();
        var first = await StorageHarness.CreateAsync(azurite.Server, fault: log);
        var second = await StorageHarness.CreateAsync(azurite.Server, first.Prefix);
        await first.Processor.ProcessAsync(TestEvents.Batch("0", 0, TestEvents.PageViewed("e-1", "customer/1")), CancellationToken.None);
        await second.Processor.ProcessAsync(TestEvents.Batch("0", 1, TestEvents.PageViewed("e-2", "customer/1", "2026-11-21T11:00:00Z")), CancellationToken.None);
        log.Clear();

        await first.Processor.ProcessAsync(TestEvents.Batch("0", 2, TestEvents.PageViewed("e-3", "customer/1", "2026-11-21T12:00:00Z")), CancellationToken.None);

        Assert.Equal(1, log.ProfileReads);
        var profile = await ProfileAsync(first, "customer/1");
        Assert.Equal(3L, profile.GetInt64("EventCount"));
        Assert.Equal(3, CustomerProfile.ActivityKeys(profile).Count);
    }

    [Fact]
    public async Task ProcessAsync_ProfileDeletedBehindTheCache_WritesItAgain()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        await harness.Processor.ProcessAsync(TestEvents.Batch("0", 0, TestEvents.PageViewed("e-1", "customer/1")), CancellationToken.None);
        var partition = new CustomerPartition(harness.Services.Storage.Customers, "acme-law", "customer/1");
        await partition.DeleteRowsAsync(await partition.RowKeysAsync(CancellationToken.None), CancellationToken.None);

        await harness.Processor.ProcessAsync(TestEvents.Batch("0", 1, TestEvents.PageViewed("e-2", "customer/1", "2026-11-21T11:00:00Z")), CancellationToken.None);

        var profile = await ProfileAsync(harness, "customer/1");
        Assert.Equal(1L, profile.GetInt64("EventCount"));
        Assert.Single(CustomerProfile.ActivityKeys(profile));
    }

    [Fact]
    public async Task ProcessAsync_MostlyNewCustomers_InsertsProfilesWithoutReading()
    {
        var log = new RequestLog();
        var harness = await StorageHarness.CreateAsync(azurite.Server, fault: log);
        await harness.Processor.ProcessAsync(TestEvents.Batch("0", 0, PageViews("first", 40)), CancellationToken.None);
        var more = Enumerable.Range(100, 40).Select(c => TestEvents.PageViewed($"second-{c}", $"customer/{c}")).ToArray();
        log.Clear();

        var result = await harness.Processor.ProcessAsync(TestEvents.Batch("0", 100, more), CancellationToken.None);

        Assert.Equal(40, result.Stored);
        Assert.Equal(0, log.ProfileReads);
        Assert.Equal(1L, (await ProfileAsync(harness, "customer/120")).GetInt64("EventCount"));
    }

    [Fact]
    public async Task ProcessAsync_ReturningCustomerWhenNewOnesWereExpected_FoldsOntoTheStoredProfile()
    {
        var other = await StorageHarness.CreateAsync(azurite.Server);
        await other.Processor.ProcessAsync(TestEvents.Batch("0", 0, TestEvents.PageViewed("old-1", "customer/returning")), CancellationToken.None);
        var harness = await StorageHarness.CreateAsync(azurite.Server, other.Prefix);
        await harness.Processor.ProcessAsync(TestEvents.Batch("0", 10, PageViews("new", 40)), CancellationToken.None);

        await harness.Processor.ProcessAsync(TestEvents.Batch("0", 100, TestEvents.PageViewed("again-1", "customer/returning", "2026-11-21T11:00:00Z")), CancellationToken.None);

        var profile = await ProfileAsync(harness, "customer/returning");
        Assert.Equal(2L, profile.GetInt64("EventCount"));
        Assert.Equal(DateTimeOffset.Parse("2026-11-21T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), profile.GetDateTimeOffset("FirstSeen"));
    }

    [Fact]
    public async Task ProcessAsync_ResponseOfViewsWriteLost_RedeliveryEndsAsOneCleanRun()
    {
        var clean = await StorageHarness.CreateAsync(azurite.Server);
        await clean.Processor.ProcessAsync(TestEvents.Batch("0", 0, TestEvents.PageViewed("e-1", "customer/1")), CancellationToken.None);
        await clean.Processor.ProcessAsync(TestEvents.Batch("0", 1, TestEvents.PageViewed("e-2", "customer/1", "2026-11-21T11:00:00Z")), CancellationToken.None);
        var prefix = StorageHarness.NewPrefix();
        var log = new RequestLog(m => m.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal)
            && Serverless.Testing.FaultInjectionPolicy.BodyMentions(m, prefix + "customers") && Serverless.Testing.FaultInjectionPolicy.BodyMentions(m, "\"e-2\""));
        var crashing = await StorageHarness.CreateAsync(azurite.Server, prefix, log);
        await crashing.Processor.ProcessAsync(TestEvents.Batch("0", 0, TestEvents.PageViewed("e-1", "customer/1")), CancellationToken.None);

        await Assert.ThrowsAnyAsync<Exception>(() => crashing.Processor.ProcessAsync(TestEvents.Batch("0", 1, TestEvents.PageViewed("e-2", "customer/1", "2026-11-21T11:00:00Z")), CancellationToken.None));
        await crashing.Processor.ProcessAsync(TestEvents.Batch("0", 1, TestEvents.PageViewed("e-2", "customer/1", "2026-11-21T11:00:00Z")), CancellationToken.None);

        Assert.Equal(await clean.SnapshotAsync(), await crashing.SnapshotAsync());
    }

    [Fact]
    public async Task ProcessAsync_SameContactAgain_DoesNotUpsertIdentityRowsAgain()
    {
        var log = new RequestLog();
        var harness = await StorageHarness.CreateAsync(azurite.Server, fault: log);
        await harness.Processor.ProcessAsync(TestEvents.Batch("0", 0, TestEvents.IntakeLead()), CancellationToken.None);
        var rows = await harness.EntitiesAsync(harness.Services.Storage.Identities);
        log.Clear();

        var again = await harness.Processor.ProcessAsync(TestEvents.Batch("0", 1, TestEvents.IntakeLead(id: "LR-2026-118274-b")), CancellationToken.None);

        Assert.Equal(1, again.Stored);
        Assert.Equal(0, log.To("PUT", "identities"));
        Assert.Equal(2, rows.Count);
        Assert.Equal(rows.Select(r => (r.PartitionKey, r.RowKey)), (await harness.EntitiesAsync(harness.Services.Storage.Identities)).Select(r => (r.PartitionKey, r.RowKey)));
    }

    [Fact]
    public async Task ProcessAsync_CountersOfABatch_QueryOnlyItsOwnRowsThenWriteWithoutReading()
    {
        var log = new RequestLog();
        var harness = await StorageHarness.CreateAsync(azurite.Server, fault: log);
        await harness.Processor.ProcessAsync(TestEvents.Batch("1", 0, TestEvents.PageViewed("other-1", "customer/9")), CancellationToken.None);
        log.Clear();

        await harness.Processor.ProcessAsync(TestEvents.Batch("0", 0, TestEvents.PageViewed("e-1", "customer/1")), CancellationToken.None);
        var firstQueries = log.Requests.Where(r => r.Method == "GET" && r.Path.Contains("counters", StringComparison.Ordinal)).Select(r => Uri.UnescapeDataString(r.Query.Replace('+', ' '))).ToList();
        log.Clear();
        await harness.Processor.ProcessAsync(TestEvents.Batch("0", 1, TestEvents.PageViewed("e-2", "customer/1", "2026-11-21T11:00:00Z")), CancellationToken.None);

        // Its own stream partition's row, and the row of the earlier layout that could hold its watermark; no other.
        Assert.Equal(2, firstQueries.Count);
        Assert.All(firstQueries, q => Assert.Contains("RowKey eq 'com.example.portal.page_viewed|0'", q, StringComparison.Ordinal));
        Assert.Contains(firstQueries, q => q.Contains("PartitionKey eq 'acme-law|2026-11-21|0'", StringComparison.Ordinal));
        Assert.Contains(firstQueries, q => q.Contains("PartitionKey eq 'acme-law|2026-11-21'", StringComparison.Ordinal));
        Assert.Equal(0, log.To("GET", "counters"));
        var counters = new DailyCounters(harness.Services.Storage.Counters);
        Assert.Equal(3, await counters.GetAsync("acme-law", Day, "com.example.portal.page_viewed", CancellationToken.None));
    }
}
