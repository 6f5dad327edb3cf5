using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Recovery;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Tests.Support;
using Serverless.Pipeline.Views;

namespace Serverless.Pipeline.Tests.Integration;

[Collection(AzuriteCollection.Name)]
public sealed class ViewRebuilderTests(AzuriteFixture azurite)
{
    private const string Paris = "paris-avocats";
    private static readonly DateTimeOffset Day1 = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Hour10 = Day1.AddHours(10);
    private static readonly DateTimeOffset Hour11 = Day1.AddHours(11);
    private static readonly DateTimeOffset Day2Hour9 = Day1.AddDays(1).AddHours(9);
    private static readonly DateTimeOffset Later = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly RebuildRequest Everything = new(TestEvents.Tenant, Day1.AddDays(-1), Day1.AddDays(2));

    [Fact]
    public async Task RebuildAsync_AfterTheTenantsViewsAreWiped_WritesEveryEntityAsTheLivePipelineDid()
    {
        var harness = await ProcessLiveAsync();
        var live = await ViewSnapshot.TakeAsync(harness.Services.Storage, TestEvents.Tenant);
        await ViewSnapshot.WipeAsync(harness.Services.Storage, TestEvents.Tenant);

        var result = await Rebuilder(harness).RebuildAsync(Everything, null, CancellationToken.None);

        Assert.Equal(live, await ViewSnapshot.TakeAsync(harness.Services.Storage, TestEvents.Tenant));
        Assert.Equal((4, 10L, 3L), (result.Customers, result.Events, result.Quarantined));
    }

    [Fact]
    public async Task RebuildAsync_OfOneHour_RepairsThatHoursCustomersAndDaysAndLeavesOtherDaysAlone()
    {
        var harness = await ProcessLiveAsync();
        var storage = harness.Services.Storage;
        var live = await ViewSnapshot.TakeAsync(storage, TestEvents.Tenant);
        // customer/1 appears in hour 10; its later events (day 2) are found through its subject index.
        var customer1 = TableKeys.Customer(TestEvents.Tenant, "customer/1");
        foreach (var row in (await harness.EntitiesAsync(storage.Customers)).Where(e => e.PartitionKey == customer1 && !e.RowKey.StartsWith(SubjectIndex.Prefix, StringComparison.Ordinal)))
        {
            await storage.Customers.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All);
        }

        var day1Counters = await ViewSnapshot.TenantEntitiesAsync(storage.Counters, TestEvents.Tenant);
        var pageViews = day1Counters.Single(e => e.PartitionKey == DailyCounters.PartitionKey(TestEvents.Tenant, new DateOnly(2026, 11, 21), "0") && e.RowKey == "com.example.portal.page_viewed|0");
        pageViews["Count"] = 999L;
        await storage.Counters.UpdateEntityAsync(pageViews, ETag.All, TableUpdateMode.Replace);
        await storage.Counters.AddEntityAsync(new TableEntity(DailyCounters.PartitionKey(TestEvents.Tenant, new DateOnly(2026, 11, 21), "9"), "bogus|9") { ["Count"] = 5L });
        await storage.Counters.AddEntityAsync(new TableEntity(DailyCounters.LegacyPartitionKey(TestEvents.Tenant, new DateOnly(2026, 11, 21)), "com.example.portal.page_viewed|0") { ["Count"] = 5L });
        var outside = new TableEntity(DailyCounters.PartitionKey(TestEvents.Tenant, new DateOnly(2026, 11, 22), "9"), "bogus|9") { ["Count"] = 5L };
        await storage.Counters.AddEntityAsync(outside);

        await Rebuilder(harness).RebuildAsync(new RebuildRequest(TestEvents.Tenant, Hour10, Hour10.AddMinutes(59)), null, CancellationToken.None);

        await storage.Counters.DeleteEntityAsync(outside.PartitionKey, outside.RowKey, ETag.All); // Proves it was still there.
        Assert.Equal(live, await ViewSnapshot.TakeAsync(storage, TestEvents.Tenant));
    }

    [Fact]
    public async Task RebuildAsync_OfOneTenant_LeavesAnotherTenantsViewsUntouched()
    {
        var harness = await ProcessLiveAsync();
        var storage = harness.Services.Storage;
        var parisProfile = (await ViewSnapshot.TenantEntitiesAsync(storage.Customers, Paris)).Single(e => e.RowKey == CustomerProfile.RowKey);
        parisProfile["EventCount"] = 42L;
        await storage.Customers.UpdateEntityAsync(parisProfile, ETag.All, TableUpdateMode.Replace);
        var paris = await ViewSnapshot.TakeAsync(storage, Paris);

        await Rebuilder(harness).RebuildAsync(Everything, null, CancellationToken.None);

        Assert.Equal(paris, await ViewSnapshot.TakeAsync(storage, Paris));
    }

    [Fact]
    public async Task RebuildAsync_Twice_WritesTheSameState()
    {
        var harness = await ProcessLiveAsync();
        var rebuilder = Rebuilder(harness);
        await rebuilder.RebuildAsync(Everything, null, CancellationToken.None);
        var once = await ViewSnapshot.TakeAsync(harness.Services.Storage, TestEvents.Tenant);

        var again = await rebuilder.RebuildAsync(Everything, null, CancellationToken.None);

        Assert.Equal(once, await ViewSnapshot.TakeAsync(harness.Services.Storage, TestEvents.Tenant));
        Assert.Equal(0, again.StaleDeleted);
    }

    [Fact]
    public async Task RebuildAsync_InterruptedAfterTheFirstCustomer_FinishesWhenRunAgain()
    {
        var harness = await ProcessLiveAsync();
        var live = await ViewSnapshot.TakeAsync(harness.Services.Storage, TestEvents.Tenant);
        await ViewSnapshot.WipeAsync(harness.Services.Storage, TestEvents.Tenant);
        using var interrupt = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            if (p.Customers >= 1)
            {
                interrupt.Cancel();
            }
        });
        var rebuilder = Rebuilder(harness);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rebuilder.RebuildAsync(Everything, progress, interrupt.Token));

        await rebuilder.RebuildAsync(Everything, null, CancellationToken.None);

        Assert.Equal(live, await ViewSnapshot.TakeAsync(harness.Services.Storage, TestEvents.Tenant));
    }

    [Fact]
    public async Task RebuildAsync_WithProgress_ReportsBlobsEventsAndCustomers()
    {
        var harness = await ProcessLiveAsync();
        var reports = new List<RebuildProgress>();

        await Rebuilder(harness).RebuildAsync(Everything, new SynchronousProgress(reports.Add), CancellationToken.None);

        Assert.Contains(reports, r => r.Phase == "scan");
        var last = reports[^1];
        Assert.Equal(("done", 4, 4, 10L, 3L), (last.Phase, last.Customers, last.CustomersTotal, last.Events, last.Quarantined));
        Assert.True(last.BlobsRead >= 5, $"read {last.BlobsRead} blobs");
    }

    [Fact]
    public async Task RebuildAsync_ForATenantWithNoArchive_ChangesNothing()
    {
        var harness = await ProcessLiveAsync();
        var before = await harness.SnapshotAsync();

        var result = await Rebuilder(harness).RebuildAsync(new RebuildRequest("nobody-here", Day1, Day1.AddDays(1)), null, CancellationToken.None);

        Assert.Equal((0, 0L, 0, 0), (result.Customers, result.Events, result.CounterRows, result.StaleDeleted));
        Assert.Equal(before, await harness.SnapshotAsync());
    }

    [Fact]
    public async Task RebuildAsync_OfAnEventWhoseDayIsOutsideTheRange_LeavesThatDaysCountersAlone()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        await harness.Processor.ProcessAsync(Batch("0", 0, Hour10, TestEvents.CrmContactUpdated("customer/1")), CancellationToken.None);
        var live = await ViewSnapshot.TakeAsync(harness.Services.Storage, TestEvents.Tenant);
        var lateDay = DailyCounters.PartitionKey(TestEvents.Tenant, new DateOnly(2025, 11, 21), "0");
        await ViewSnapshot.WipeAsync(harness.Services.Storage, TestEvents.Tenant);

        await Rebuilder(harness).RebuildAsync(new RebuildRequest(TestEvents.Tenant, Day1, Day1.AddDays(1)), null, CancellationToken.None);

        var counters = await ViewSnapshot.TenantEntitiesAsync(harness.Services.Storage.Counters, TestEvents.Tenant);
        Assert.DoesNotContain(counters, c => c.PartitionKey == lateDay);
        Assert.Single(await ViewSnapshot.TenantEntitiesAsync(harness.Services.Storage.Customers, TestEvents.Tenant), e => e.RowKey == CustomerProfile.RowKey);
        Assert.Contains("2025-11-21", live, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RebuildAsync_AfterAReplay_CountsReplayedEventsOnceAsStoredAndNoLongerAsQuarantined()
    {
        var schemas = Directory.CreateTempSubdirectory("rebuild-replay").FullName;
        try
        {
            var harness = await StorageHarness.CreateAsync(azurite.Server);
            await harness.Processor.ProcessAsync(Batch("0", 0, Hour10,
                TestEvents.CloudEvent("v-1", "com.example.portal.video_played", "customer/1", """{"video":"intro"}"""),
                TestEvents.PageViewed("p-1", "customer/1", "2026-11-21T10:00:00Z")), CancellationToken.None);
            Directory.CreateDirectory(Path.Combine(schemas, "com.example.portal.video_played"));
            await File.WriteAllTextAsync(Path.Combine(schemas, "com.example.portal.video_played", "1-0-0.json"), """{"type":"object"}""");
            var fixedSchemas = await StorageHarness.CreateAsync(azurite.Server, harness.Prefix, configure: o => o.SchemaDirectory = schemas);
            await new QuarantineReplay(fixedSchemas.Services, new FixedTimeProvider(Hour11.AddMinutes(5))).ReplayTenantAsync(TestEvents.Tenant, CancellationToken.None);
            var storage = fixedSchemas.Services.Storage;
            var live = await ViewSnapshot.TenantEntitiesAsync(storage.Counters, TestEvents.Tenant);
            await ViewSnapshot.WipeAsync(storage, TestEvents.Tenant);

            await Rebuilder(fixedSchemas).RebuildAsync(new RebuildRequest(TestEvents.Tenant, Day1, Day1.AddDays(1)), null, CancellationToken.None);

            var rebuilt = (await ViewSnapshot.TenantEntitiesAsync(storage.Counters, TestEvents.Tenant)).ToDictionary(e => e.RowKey, e => e.GetInt64("Count"));
            Assert.Contains(live, e => e.RowKey.StartsWith(DailyCounters.QuarantinePrefix, StringComparison.Ordinal));
            Assert.Equal(live.Where(e => !e.RowKey.StartsWith(DailyCounters.QuarantinePrefix, StringComparison.Ordinal)).ToDictionary(e => e.RowKey, e => e.GetInt64("Count")), rebuilt);
            Assert.Equal(1L, rebuilt["com.example.portal.video_played|" + QuarantineReplay.ReplayPartition]);
            var index = (await ViewSnapshot.TenantEntitiesAsync(storage.Customers, TestEvents.Tenant)).Where(e => e.RowKey.StartsWith(SubjectIndex.Prefix, StringComparison.Ordinal)).ToList();
            Assert.All(index, row => Assert.Equal(storage.Names.RawContainer, row.GetString("Container")));
            Assert.Equal(2L, (await storage.Customers.GetEntityAsync<TableEntity>(TableKeys.Customer(TestEvents.Tenant, "customer/1"), CustomerProfile.RowKey)).Value.GetInt64("EventCount"));
        }
        finally
        {
            Directory.Delete(schemas, recursive: true);
        }
    }

    [Fact]
    public void RebuildRequest_EndBeforeStart_IsRejected() =>
        Assert.Throws<ArgumentException>(() => new RebuildRequest(TestEvents.Tenant, Day1, Day1.AddHours(-1)));

    [Fact]
    public void RebuildRequest_EmptyRange_IsRejected() =>
        Assert.Throws<ArgumentException>(() => new RebuildRequest(TestEvents.Tenant, Day1, Day1));

    [Fact]
    public void RebuildRequest_InvalidTenantName_IsRejected() =>
        Assert.Throws<ArgumentException>(() => new RebuildRequest("Not A Tenant", Day1, Day1.AddDays(1)));

    [Fact]
    public void RebuildRequest_PartialHours_CoverWholeHours()
    {
        var request = new RebuildRequest(TestEvents.Tenant, Hour10.AddMinutes(20), Hour11.AddMinutes(5));

        Assert.Equal((Hour10, Hour11.AddHours(1)), (request.From, request.To));
    }

    [Fact]
    public async Task RebuildAsync_ACustomerKnownOnlyFromQuarantine_RebuildsTheIdentityRowsItsEventsCarried()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        var storage = harness.Services.Storage;
        var invalidLead = TestEvents.CloudEvent("lead-q", "intake.lead.created", "lead/Q-1",
            """{"lead_id":"Q-1","created_at":"2026-11-21T10:00:00Z","contact":{"email":" Quinn@Example.com ","phone":"(617) 555-0142","preferred_language":"not a tag!"}}""");
        await harness.Processor.ProcessAsync(Batch("0", 0, Hour10.AddMinutes(30), invalidLead), CancellationToken.None);
        var live = await ViewSnapshot.TakeAsync(storage, TestEvents.Tenant);
        await ViewSnapshot.WipeAsync(storage, TestEvents.Tenant);

        await Rebuilder(harness).RebuildAsync(Everything, null, CancellationToken.None);

        Assert.Equal(live, await ViewSnapshot.TakeAsync(storage, TestEvents.Tenant));
        var identities = new IdentityIndex(storage.Identities, harness.Services.Pseudonymizer);
        var byEmail = Keys.SubjectKeys.For(harness.Services.Pseudonymizer, TestEvents.Tenant, null, "quinn@example.com", null);
        var byPhone = Keys.SubjectKeys.For(harness.Services.Pseudonymizer, TestEvents.Tenant, null, null, "+16175550142");
        Assert.Equal(["lead/Q-1"], await identities.FindSubjectsAsync(TestEvents.Tenant, byEmail, CancellationToken.None));
        Assert.Equal(["lead/Q-1"], await identities.FindSubjectsAsync(TestEvents.Tenant, byPhone, CancellationToken.None));
    }

    private static ViewRebuilder Rebuilder(StorageHarness harness) =>
        new(harness.Services, new FixedTimeProvider(Later), NullLogger<ViewRebuilder>.Instance);

    /// <summary>
    /// Three batches over two days and two stream partitions: contact fields, a trimmed activity list, quarantined
    /// events with and without a customer, a duplicate, and another tenant's events in the same batches.
    /// </summary>
    private async Task<StorageHarness> ProcessLiveAsync()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server, configure: o => o.RecentActivityLimit = 3);
        await harness.Processor.ProcessAsync(Batch("0", 0, Hour10.AddMinutes(30),
            TestEvents.PageViewed("p-1", "customer/1", "2026-11-21T10:00:00Z"),
            TestEvents.IntakeLead("lead-1", "lead/1"),
            TestEvents.CloudEvent("bad-1", "com.example.portal.message_sent", "customer/1", """{"thread_id":""}"""),
            TestEvents.CloudEvent("unknown-1", "com.example.portal.video_played", "customer/2", """{"video":"intro"}"""),
            TestEvents.PageViewed("paris-1", "client/1", "2026-11-21T10:05:00Z", Paris),
            "{not json"u8.ToArray()), CancellationToken.None);
        await harness.Processor.ProcessAsync(Batch("1", 0, Hour11.AddMinutes(15),
            TestEvents.PageViewed("p-2", "customer/2", "2026-11-21T11:00:00Z"),
            TestEvents.PageViewed("p-3", "customer/3", "2026-11-21T11:01:00Z"),
            TestEvents.IntakeLead("lead-2", "lead/1"),
            TestEvents.PageViewed("paris-2", "client/1", "2026-11-21T11:05:00Z", Paris)), CancellationToken.None);
        await harness.Processor.ProcessAsync(Batch("0", 10, Day2Hour9,
            TestEvents.PageViewed("p-1", "customer/1", "2026-11-21T10:00:00Z"),
            TestEvents.PageViewed("p-4", "customer/1", "2026-11-22T08:00:00Z"),
            TestEvents.PageViewed("p-5", "customer/1", "2026-11-22T08:01:00Z"),
            TestEvents.PageViewed("p-6", "customer/1", "2026-11-22T08:02:00Z"),
            TestEvents.PageViewed("p-7", "customer/1", "2026-11-22T08:03:00Z"),
            TestEvents.CloudEvent("crm-1", "crm.contact.updated", "customer/1", File.ReadAllText(RepositoryPaths.Sample("crm-contact-updated.json")), time: "2026-11-22T08:04:00Z"),
            TestEvents.CloudEvent("bad-2", "com.example.portal.message_sent", "customer/3", """{"thread_id":""}""")), CancellationToken.None);
        return harness;
    }

    private static List<IncomingEvent> Batch(string partition, long firstSequence, DateTimeOffset enqueued, params byte[][] bodies) =>
        bodies.Select((body, i) => new IncomingEvent(body, new StreamPosition(partition, firstSequence + i), enqueued)).ToList();

    private sealed class SynchronousProgress(Action<RebuildProgress> report) : IProgress<RebuildProgress>
    {
        public void Report(RebuildProgress value) => report(value);
    }
}
