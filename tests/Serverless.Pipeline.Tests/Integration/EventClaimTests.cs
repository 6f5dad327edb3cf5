using Azure.Data.Tables;
using Serverless.Pipeline.Dedupe;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Processing;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Tests.Support;
using Serverless.Pipeline.Views;

namespace Serverless.Pipeline.Tests.Integration;

/// <summary>
/// Event-id claims in each customer's partition, written by the customer's view transaction: no request of their
/// own, duplicates from other stream positions dropped, a redelivery after a failure at any step equal to one clean
/// run, and, after an upgrade, the earlier ledger still claimed for a window so that duplicates of events it accepted
/// are dropped.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class EventClaimTests(AzuriteFixture azurite)
{
    private static async Task<TableEntity?> ClaimAsync(StorageHarness harness, string subject, string eventId)
    {
        var found = await harness.Services.Storage.Customers.GetEntityIfExistsAsync<TableEntity>(TableKeys.Customer(TestEvents.Tenant, subject), ClaimRows.RowKey(eventId));
        return found.HasValue ? found.Value : null;
    }

    private static async Task<TableEntity> ProfileAsync(StorageHarness harness, string subject) =>
        (await harness.Services.Storage.Customers.GetEntityAsync<TableEntity>(TableKeys.Customer(TestEvents.Tenant, subject), CustomerProfile.RowKey)).Value;

    private static byte[][] ManyViews(string run, string subject, int count) =>
        Enumerable.Range(0, count).Select(i => TestEvents.PageViewed($"{run}-{i}", subject, $"2026-11-21T10:{i / 60:D2}:{i % 60:D2}Z")).ToArray();

    [Fact]
    public async Task ProcessAsync_PageViewsOfKnownCustomers_ClaimInTheViewTransactionWithNoRequestOfTheirOwn()
    {
        var log = new RequestLog();
        var harness = await StorageHarness.CreateAsync(azurite.Server, fault: log);
        var customers = Enumerable.Range(0, 20).Select(c => $"customer/{c}").ToList();
        await harness.Processor.ProcessAsync(TestEvents.Batch("0", 0, [.. customers.Select(c => TestEvents.PageViewed("seed-" + c, c))]), CancellationToken.None);
        log.Clear();

        var result = await harness.Processor.ProcessAsync(
            TestEvents.Batch("0", 100, [.. customers.Select(c => TestEvents.PageViewed("view-" + c, c, "2026-11-21T11:00:00Z"))]), CancellationToken.None);

        Assert.Equal(20, result.Stored);
        Assert.Equal(0, log.To("GET", "eventids") + log.To("POST", "eventids"));
        // A transaction per customer, one for the counters, one raw blob: nothing else.
        Assert.Equal(22, log.Requests.Count);
        Assert.Equal(21, log.Requests.Count(r => r.Method == "POST" && r.Path.EndsWith("$batch", StringComparison.Ordinal)));
        var claim = await ClaimAsync(harness, "customer/7", "view-customer/7");
        Assert.Equal("0:107", claim!.GetString("Position"));
        Assert.Equal(TestEvents.Enqueued, claim.GetDateTimeOffset("Enqueued"));
    }

    [Fact]
    public async Task ProcessAsync_DuplicateOfAnEarlierBatchBesideNewEvents_IsDroppedEverywhere()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        await harness.Processor.ProcessAsync(TestEvents.Batch("0", 0, TestEvents.PageViewed("e-1", "customer/1")), CancellationToken.None);
        var restarted = await StorageHarness.CreateAsync(azurite.Server, harness.Prefix);

        var result = await restarted.Processor.ProcessAsync(TestEvents.Batch("0", 10,
            TestEvents.PageViewed("e-1", "customer/1"), TestEvents.PageViewed("e-2", "customer/1", "2026-11-21T11:00:00Z"),
            TestEvents.PageViewed("e-3", "customer/2")), CancellationToken.None);

        Assert.Equal((2, 1), (result.Stored, result.Duplicates));
        Assert.Equal(EventDisposition.Duplicate, result.Outcomes[0].Disposition);
        Assert.Equal(2L, (await ProfileAsync(restarted, "customer/1")).GetInt64("EventCount"));
        Assert.Equal("0:0", (await ClaimAsync(restarted, "customer/1", "e-1"))!.GetString("Position"));
        var lines = await restarted.RawLinesAsync();
        Assert.Single(lines, l => l.Contains("\"e-1\"", StringComparison.Ordinal));
        var index = (await restarted.EntitiesAsync(restarted.Services.Storage.Customers))
            .Single(e => e.PartitionKey == TableKeys.Customer(TestEvents.Tenant, "customer/1") && e.GetString("Blob") == Assert.Single(result.RawBlobs));
        Assert.Equal(1, index.GetInt32("Events"));
        var counters = new DailyCounters(restarted.Services.Storage.Counters);
        Assert.Equal(3, await counters.GetAsync(TestEvents.Tenant, new DateOnly(2026, 11, 21), "com.example.portal.page_viewed", CancellationToken.None));
    }

    [Fact]
    public async Task ProcessAsync_OnlyDuplicatesForACustomer_WritesNothingOfItsViews()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        await harness.Processor.ProcessAsync(TestEvents.Batch("0", 0, TestEvents.PageViewed("e-1", "customer/1")), CancellationToken.None);
        var before = await harness.SnapshotAsync();

        var result = await harness.Processor.ProcessAsync(TestEvents.Batch("0", 5, TestEvents.PageViewed("e-1", "customer/1")), CancellationToken.None);

        Assert.Equal((0, 1), (result.Stored, result.Duplicates));
        Assert.Empty(result.RawBlobs);
        Assert.Equal(before, await harness.SnapshotAsync());
    }

    /// <summary>
    /// Claims are kept per customer: an id reused for another customer in a later batch is another event (its data
    /// differs), stored for both; within one batch the first of a tenant's ids still wins, whatever the customer.
    /// </summary>
    [Fact]
    public async Task ProcessAsync_SameIdForAnotherCustomerInALaterBatch_IsStoredForEach()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        await harness.Processor.ProcessAsync(TestEvents.Batch("0", 0, TestEvents.PageViewed("shared-id", "customer/1")), CancellationToken.None);

        var later = await harness.Processor.ProcessAsync(TestEvents.Batch("0", 1, TestEvents.PageViewed("shared-id", "customer/2")), CancellationToken.None);
        var together = await harness.Processor.ProcessAsync(TestEvents.Batch("0", 2,
            TestEvents.PageViewed("other-id", "customer/3"), TestEvents.PageViewed("other-id", "customer/4")), CancellationToken.None);

        Assert.Equal((1, 0), (later.Stored, later.Duplicates));
        Assert.Equal((1, 1), (together.Stored, together.Duplicates));
    }

    public static TheoryData<string> FailurePoints() => ["views", "claims apart", "counters", "archive"];

    /// <summary>
    /// A customer with more events than one transaction holds (claims written apart, first) beside customers of one
    /// event each; the batch fails at a step, then a new process gets it again, as after a crash.
    /// </summary>
    [Theory]
    [MemberData(nameof(FailurePoints))]
    public async Task ProcessAsync_FailedAtAStepThenRedeliveredToANewProcess_LeavesTheStateOfOneCleanRun(string failurePoint)
    {
        IReadOnlyList<IncomingEvent> Batch() => TestEvents.Batch("2", 300,
            [.. ManyViews("big", "customer/big", 70), TestEvents.PageViewed("small-1", "customer/s1"), TestEvents.PageViewed("small-2", "customer/s2"),
             TestEvents.PageViewed("big-3", "customer/big")]);
        var clean = await StorageHarness.CreateAsync(azurite.Server);
        await clean.Processor.ProcessAsync(Batch(), CancellationToken.None);
        var expected = await clean.SnapshotAsync();
        var prefix = StorageHarness.NewPrefix();
        var fault = new FaultInjectionPolicy(m => failurePoint switch
        {
            "views" => FaultInjectionPolicy.BodyMentions(m, prefix + "customers") && FaultInjectionPolicy.BodyMentions(m, "small-2"),
            // The big customer's views, after its claims went apart.
            "claims apart" => FaultInjectionPolicy.BodyMentions(m, prefix + "customers") && FaultInjectionPolicy.BodyMentions(m, "ActivityKeys") && FaultInjectionPolicy.BodyMentions(m, "big-9"),
            "counters" => m.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) && FaultInjectionPolicy.BodyMentions(m, prefix + "counters"),
            _ => m.Request.Uri.Path.Contains(prefix + "raw/", StringComparison.Ordinal),
        }, 1);
        var failing = await StorageHarness.CreateAsync(azurite.Server, prefix, fault);

        await Assert.ThrowsAnyAsync<Exception>(() => failing.Processor.ProcessAsync(Batch(), CancellationToken.None));
        var redelivered = await (await StorageHarness.CreateAsync(azurite.Server, prefix)).Processor.ProcessAsync(Batch(), CancellationToken.None);

        Assert.Equal(1, fault.Injected);
        Assert.Equal((72, 1), (redelivered.Stored, redelivered.Duplicates));
        Assert.Equal(expected, await failing.SnapshotAsync());
    }

    [Fact]
    public async Task ProcessAsync_CustomerWithMoreEventsThanATransactionHolds_ClaimsEveryIdOnce()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);

        var result = await harness.Processor.ProcessAsync(TestEvents.Batch("0", 0, ManyViews("big", "customer/big", 150)), CancellationToken.None);
        var again = await harness.Processor.ProcessAsync(TestEvents.Batch("0", 1000, ManyViews("big", "customer/big", 150)), CancellationToken.None);

        Assert.Equal((150, 150), (result.Stored, again.Duplicates));
        var claims = (await harness.EntitiesAsync(harness.Services.Storage.Customers)).Where(e => ClaimRows.IsClaim(e.RowKey)).ToList();
        Assert.Equal(150, claims.Count);
        Assert.All(claims, c => Assert.StartsWith("0:", c.GetString("Position"), StringComparison.Ordinal));
        Assert.Equal(150L, (await ProfileAsync(harness, "customer/big")).GetInt64("EventCount"));
    }

    [Fact]
    public async Task ProcessAsync_AfterAnUpgradeFromTheLedger_DropsDuplicatesOfEventsTheLedgerAccepted()
    {
        var prefix = StorageHarness.NewPrefix();
        var before = await StorageHarness.CreateAsync(azurite.Server, prefix);
        // What the earlier version left: the ledger's claim of an event it stored at 0:3.
        var ledger = new EventIdLedger(before.Services.Storage.EventIds, TimeProvider.System);
        await ledger.ClaimAsync([new EventClaim(TestEvents.Tenant, "old-1", new StreamPosition("0", 3))], 1, CancellationToken.None);
        var upgraded = await StorageHarness.CreateAsync(azurite.Server, prefix);

        var result = await upgraded.Processor.ProcessAsync(TestEvents.Batch("0", 20,
            TestEvents.PageViewed("old-1", "customer/1"), TestEvents.PageViewed("new-1", "customer/1", "2026-11-21T11:00:00Z")), CancellationToken.None);

        Assert.Equal((1, 1), (result.Stored, result.Duplicates));
        Assert.Equal(EventDisposition.Duplicate, result.Outcomes[0].Disposition);
        // Within the window the new event is claimed in both places, so that a rollback would still know it.
        Assert.True(await ledger.ContainsAsync(TestEvents.Tenant, "new-1", CancellationToken.None));
        Assert.NotNull(await ClaimAsync(upgraded, "customer/1", "new-1"));
        var storage = upgraded.Services.Storage;
        Assert.True(await new EventIdLedger(storage.EventIds, new FixedTimeProvider(TestEvents.Enqueued.AddDays(6))).StillClaimedAsync(CancellationToken.None));
        Assert.False(await new EventIdLedger(storage.EventIds, new FixedTimeProvider(TestEvents.Enqueued + EventIdLedger.EarlierLayoutWindow)).StillClaimedAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ProcessAsync_FreshDeployment_NeverClaimsInTheLedger()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);

        await harness.Processor.ProcessAsync(TestEvents.Batch("0", 0, TestEvents.PageViewed("e-1", "customer/1")), CancellationToken.None);

        Assert.Empty(await harness.EntitiesAsync(harness.Services.Storage.EventIds));
        Assert.False(await new EventIdLedger(harness.Services.Storage.EventIds, TimeProvider.System).StillClaimedAsync(CancellationToken.None));
    }
}
