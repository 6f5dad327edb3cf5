using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Serverless.Pipeline.Archive;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Processing;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Tests.Support;
using Serverless.Pipeline.Views;

namespace Serverless.Pipeline.Tests.Integration;

[Collection(AzuriteCollection.Name)]
public sealed class BatchProcessorTests(AzuriteFixture azurite)
{
    private static IReadOnlyList<IncomingEvent> SamplesBatch()
    {
        var app = TestEvents.AppActivity();
        return TestEvents.Batch("0", 100, TestEvents.IntakeLead(), TestEvents.CrmContactUpdated(), TestEvents.FormSubmission(), app[0], app[1], app[2]);
    }

    [Fact]
    public async Task ProcessAsync_SampleBatch_WritesRawArchiveAndEveryView()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);

        var result = await harness.Processor.ProcessAsync(SamplesBatch(), CancellationToken.None);

        Assert.Equal((6, 6, 0, 0), (result.Received, result.Stored, result.Quarantined, result.Duplicates));
        var rawBlob = Assert.Single(result.RawBlobs);
        Assert.Equal("acme-law/2026/11/21/10/p0-0000000000000000100-0000000000000000105.jsonl.gz", rawBlob);
        var lines = await harness.RawLinesAsync();
        Assert.Equal(6, lines.Count);
        var lead = JsonNode.Parse(lines[0])!;
        Assert.Equal("maria.oconnor@example.com", lead["data"]!["contact"]!["email"]!.GetValue<string>());
        Assert.Equal("2026-11-20T19:03:11Z", lead["time"]!.GetValue<string>());
        Assert.Equal("1-1-0", lead["schemaversion"]!.GetValue<string>());

        var customers = harness.Services.Storage.Customers;
        var profile = (await customers.GetEntityAsync<TableEntity>(TableKeys.Customer("acme-law", "customer/C-99812"), "profile")).Value;
        Assert.Equal(3L, profile.GetInt64("EventCount"));
        Assert.Equal(1L, profile.GetInt64("n_com_example_portal_page_viewed"));
        Assert.Equal(1L, profile.GetInt64("n_crm_contact_updated"));
        Assert.Equal("new.address@example.org", profile.GetString("Email"));
        Assert.Equal(harness.Services.Pseudonymizer.JoinKey("acme-law", "new.address@example.org"), profile.GetString("EmailKey"));
        Assert.Equal(DateTimeOffset.Parse("2025-11-21T09:20:00Z", System.Globalization.CultureInfo.InvariantCulture), profile.GetDateTimeOffset("FirstSeen"));
        Assert.Equal(DateTimeOffset.Parse("2026-11-21T10:00:09.87Z", System.Globalization.CultureInfo.InvariantCulture), profile.GetDateTimeOffset("LastSeen"));

        var leadProfile = (await customers.GetEntityAsync<TableEntity>(TableKeys.Customer("acme-law", "lead/LR-2026-118274"), "profile")).Value;
        Assert.Equal("+16175550143", leadProfile.GetString("Phone"));
        Assert.Equal("Maria", leadProfile.GetString("GivenName"));

        var partition = TableKeys.Customer("acme-law", "customer/C-99812");
        var rows = await harness.EntitiesAsync(customers);
        var activity = rows.Where(r => r.PartitionKey == partition && r.RowKey.StartsWith("act|", StringComparison.Ordinal)).Select(r => r.GetString("EventId")).ToList();
        Assert.Equal(["a1b2c3d4-0002", "a1b2c3d4-0001", "evt_01JD3W6ZK4Q8X2M5N7P9R1S3T5"], activity);
        var index = Assert.Single(rows, r => r.PartitionKey == partition && r.RowKey.StartsWith(SubjectIndex.Prefix, StringComparison.Ordinal));
        Assert.Equal(rawBlob, index.GetString("Blob"));
        Assert.Equal(3, index.GetInt32("Events"));

        var counters = new DailyCounters(harness.Services.Storage.Counters);
        Assert.Equal(1, await counters.GetAsync("acme-law", new DateOnly(2026, 11, 21), "com.example.portal.page_viewed", CancellationToken.None));
        Assert.Equal(1, await counters.GetAsync("acme-law", new DateOnly(2026, 11, 20), "intake.lead.created", CancellationToken.None));
    }

    [Fact]
    public async Task ProcessAsync_ActivityRows_HoldPseudonymizedDataOnly()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);

        await harness.Processor.ProcessAsync(TestEvents.Batch("0", 0, TestEvents.IntakeLead()), CancellationToken.None);

        var rows = await harness.EntitiesAsync(harness.Services.Storage.Customers);
        var activity = Assert.Single(rows, r => r.RowKey.StartsWith("act|", StringComparison.Ordinal));
        var data = activity.GetString("Data");
        Assert.DoesNotContain("maria", data, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("198.51.100.23", data, StringComparison.Ordinal);
        Assert.Contains(harness.Services.Pseudonymizer.JoinKey("acme-law", "maria.oconnor@example.com"), data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProcessAsync_BadEventsAmongGood_QuarantinesEachWithReasonAndStoresTheRest()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        var notUtf8 = new byte[] { 0x7B, 0xC3, 0x28, 0x7D };
        var batch = TestEvents.Batch("3", 0,
            TestEvents.PageViewed("good-1", "customer/1"),
            Encoding.UTF8.GetBytes("{not json"),
            notUtf8,
            TestEvents.CloudEvent("bad-type", "com.example.unknown", "customer/2", "{}"),
            TestEvents.CloudEvent("bad-data", "com.example.portal.message_sent", "customer/2", """{"thread_id":""}"""),
            TestEvents.PageViewed("good-2", "customer/2"));

        var result = await harness.Processor.ProcessAsync(batch, CancellationToken.None);

        Assert.Equal((6, 2, 4, 0), (result.Received, result.Stored, result.Quarantined, result.Duplicates));
        Assert.Equal(2, result.QuarantinedByReason[RejectionReason.MalformedEnvelope]);
        Assert.Equal(1, result.QuarantinedByReason[RejectionReason.UnknownEventType]);
        Assert.Equal(1, result.QuarantinedByReason[RejectionReason.SchemaViolation]);
        Assert.Equal(2, result.QuarantineBlobs.Count);

        var records = new List<QuarantineRecord>();
        foreach (var blob in result.QuarantineBlobs)
        {
            await foreach (var record in QuarantineStore.ReadAsync(harness.Services.Storage.Quarantine, blob, CancellationToken.None))
            {
                records.Add(record);
            }
        }

        Assert.Equal(4, records.Count);
        var schemaViolation = Assert.Single(records, r => r.Reason == RejectionReason.SchemaViolation);
        Assert.Equal("bad-data", schemaViolation.EventId);
        Assert.Contains(schemaViolation.Violations, v => v.Path == "$.data.thread_id" && v.Keyword == "minLength");
        Assert.Contains(schemaViolation.Violations, v => v.Path == "$.data.length" && v.Keyword == "required");
        var binary = Assert.Single(records, r => r.BodyBase64 is not null);
        Assert.Equal(notUtf8, binary.ToIncomingEvent().Body.ToArray());
        Assert.Equal(batch[4].Body.ToArray(), schemaViolation.ToIncomingEvent().Body.ToArray());
        Assert.Equal(new StreamPosition("3", 4), schemaViolation.ToIncomingEvent().Position);

        var index = (await harness.EntitiesAsync(harness.Services.Storage.Customers))
            .Where(e => e.PartitionKey == TableKeys.Customer("acme-law", "customer/2") && e.RowKey.StartsWith(SubjectIndex.Prefix, StringComparison.Ordinal))
            .Select(e => e.GetString("Container")).Order().ToList();
        Assert.Equal([harness.Prefix + "quarantine", harness.Prefix + "raw"], index);
        var counters = new DailyCounters(harness.Services.Storage.Counters);
        Assert.Equal(1, await counters.GetAsync("acme-law", new DateOnly(2026, 11, 21), "quarantine:SchemaViolation", CancellationToken.None));
        Assert.Equal(2, await counters.GetAsync("_unknown", new DateOnly(2026, 11, 21), "quarantine:MalformedEnvelope", CancellationToken.None));
    }

    [Fact]
    public async Task ProcessAsync_SameBatchTwice_ChangesNothing()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        var batch = SamplesBatch().Append(new IncomingEvent(Encoding.UTF8.GetBytes("{}"), new StreamPosition("0", 106), TestEvents.Enqueued)).ToList();
        await harness.Processor.ProcessAsync(batch, CancellationToken.None);
        var before = await harness.SnapshotAsync();

        var again = await harness.Processor.ProcessAsync(batch, CancellationToken.None);

        Assert.Equal(before, await harness.SnapshotAsync());
        Assert.Equal(again.Received, again.Stored + again.Quarantined + again.Duplicates);
    }

    [Fact]
    public async Task ProcessAsync_SameEventsSentAgainLater_AreDuplicatesAndChangeNothing()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        await harness.Processor.ProcessAsync(SamplesBatch(), CancellationToken.None);
        var before = await harness.SnapshotAsync();
        var resent = SamplesBatch().Select((e, i) => e with { Position = new StreamPosition("0", 500 + i) }).ToList();

        var result = await harness.Processor.ProcessAsync(resent, CancellationToken.None);

        Assert.Equal(6, result.Duplicates);
        Assert.Empty(result.RawBlobs);
        Assert.Equal(before, await harness.SnapshotAsync());
    }

    [Fact]
    public async Task ProcessAsync_AfterRestart_StillDropsDuplicates()
    {
        var first = await StorageHarness.CreateAsync(azurite.Server);
        await first.Processor.ProcessAsync(TestEvents.Batch("1", 0, TestEvents.PageViewed("e-1", "customer/9")), CancellationToken.None);
        var restarted = await StorageHarness.CreateAsync(azurite.Server, first.Prefix);

        var result = await restarted.Processor.ProcessAsync(TestEvents.Batch("1", 7, TestEvents.PageViewed("e-1", "customer/9")), CancellationToken.None);

        Assert.Equal(1, result.Duplicates);
    }

    [Fact]
    public async Task ProcessAsync_DuplicateInsideOneBatch_IsStoredOnce()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);

        var result = await harness.Processor.ProcessAsync(
            TestEvents.Batch("0", 0, TestEvents.PageViewed("same", "customer/1"), TestEvents.PageViewed("same", "customer/1")), CancellationToken.None);

        Assert.Equal((1, 1), (result.Stored, result.Duplicates));
        Assert.Equal(EventDisposition.Duplicate, result.Outcomes[1].Disposition);
        Assert.Single(await harness.RawLinesAsync());
    }

    [Fact]
    public async Task ProcessAsync_SameEventIdInTwoTenants_StoresBoth()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);

        var result = await harness.Processor.ProcessAsync(
            TestEvents.Batch("0", 0, TestEvents.PageViewed("same", "customer/1"), TestEvents.PageViewed("same", "customer/1", tenant: "other-firm")), CancellationToken.None);

        Assert.Equal(2, result.Stored);
        Assert.Equal(2, result.RawBlobs.Count);
    }

    [Fact]
    public async Task ProcessAsync_TwoBatchesForOneCustomerAtOnce_CountsEveryEventOnce()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        var left = TestEvents.Batch("0", 0, Enumerable.Range(0, 20).Select(i => TestEvents.PageViewed($"l-{i}", "customer/shared", $"2026-11-21T10:00:{i:D2}Z")).ToArray());
        var right = TestEvents.Batch("1", 0, Enumerable.Range(0, 20).Select(i => TestEvents.PageViewed($"r-{i}", "customer/shared", $"2026-11-21T11:00:{i:D2}Z")).ToArray());

        var results = await Task.WhenAll(
            harness.Processor.ProcessAsync(left, CancellationToken.None),
            harness.Processor.ProcessAsync(right, CancellationToken.None));

        Assert.All(results, r => Assert.Equal(20, r.Stored));
        var profile = (await harness.Services.Storage.Customers.GetEntityAsync<TableEntity>(TableKeys.Customer("acme-law", "customer/shared"), "profile")).Value;
        Assert.Equal(40L, profile.GetInt64("EventCount"));
        Assert.Equal(DateTimeOffset.Parse("2026-11-21T11:00:19Z", System.Globalization.CultureInfo.InvariantCulture), profile.GetDateTimeOffset("LastSeen"));
        var activity = (await harness.EntitiesAsync(harness.Services.Storage.Customers)).Count(e => e.RowKey.StartsWith("act|", StringComparison.Ordinal));
        Assert.Equal(40, activity);
        var counters = new DailyCounters(harness.Services.Storage.Counters);
        Assert.Equal(40, await counters.GetAsync("acme-law", new DateOnly(2026, 11, 21), "com.example.portal.page_viewed", CancellationToken.None));
    }

    [Fact]
    public async Task ProcessAsync_CrashAfterRawArchiveBeforeViews_RedeliveryEndsAsOneCleanRun()
    {
        var clean = await StorageHarness.CreateAsync(azurite.Server);
        await clean.Processor.ProcessAsync(SamplesBatch(), CancellationToken.None);
        var prefix = StorageHarness.NewPrefix();
        var fault = new FaultInjectionPolicy(m => IsTransactionOn(m, prefix + "counters"), times: 1);
        var crashing = await StorageHarness.CreateAsync(azurite.Server, prefix, fault);

        await Assert.ThrowsAnyAsync<Exception>(() => crashing.Processor.ProcessAsync(SamplesBatch(), CancellationToken.None));
        var redelivered = await crashing.Processor.ProcessAsync(SamplesBatch(), CancellationToken.None);

        Assert.Equal(1, fault.Injected);
        Assert.Equal(6, redelivered.Stored);
        Assert.Equal(await clean.SnapshotAsync(), await crashing.SnapshotAsync());
    }

    [Fact]
    public async Task ProcessAsync_CrashInCustomerViews_RedeliveryEndsAsOneCleanRun()
    {
        var clean = await StorageHarness.CreateAsync(azurite.Server);
        await clean.Processor.ProcessAsync(SamplesBatch(), CancellationToken.None);
        var prefix = StorageHarness.NewPrefix();
        var fault = new FaultInjectionPolicy(m => IsTransactionOn(m, prefix + "customers"), times: 1);
        var crashing = await StorageHarness.CreateAsync(azurite.Server, prefix, fault);

        await Assert.ThrowsAnyAsync<Exception>(() => crashing.Processor.ProcessAsync(SamplesBatch(), CancellationToken.None));
        await crashing.Processor.ProcessAsync(SamplesBatch(), CancellationToken.None);

        Assert.Equal(1, fault.Injected);
        Assert.Equal(await clean.SnapshotAsync(), await crashing.SnapshotAsync());
    }

    [Fact]
    public async Task ProcessAsync_ManyEventsForOneCustomer_KeepsOnlyTheNewestActivity()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server, configure: o => o.RecentActivityLimit = 5);
        for (var b = 0; b < 3; b++)
        {
            var events = Enumerable.Range(0, 4).Select(i => TestEvents.PageViewed($"e-{b}-{i}", "customer/busy", $"2026-11-21T10:{b:D2}:{i:D2}Z")).ToArray();
            await harness.Processor.ProcessAsync(TestEvents.Batch("0", b * 10, events), CancellationToken.None);
        }

        var activity = (await harness.EntitiesAsync(harness.Services.Storage.Customers))
            .Where(e => e.RowKey.StartsWith("act|", StringComparison.Ordinal)).Select(e => e.GetString("EventId")).ToList();

        Assert.Equal(["e-2-3", "e-2-2", "e-2-1", "e-2-0", "e-1-3"], activity);
    }

    [Fact]
    public async Task ProcessAsync_OlderContactArrivingLater_DoesNotReplaceNewer()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        string Lead(string email) => $$$"""{"lead_id":"L","created_at":"2026-11-20T14:03:11Z","contact":{"email":"{{{email}}}"}}""";
        await harness.Processor.ProcessAsync(TestEvents.Batch("0", 0,
            TestEvents.CloudEvent("new", "intake.lead.created", "lead/L", Lead("new@example.com"), time: "2026-11-21T12:00:00Z")), CancellationToken.None);

        await harness.Processor.ProcessAsync(TestEvents.Batch("0", 1,
            TestEvents.CloudEvent("old", "intake.lead.created", "lead/L", Lead("old@example.com"), time: "2026-11-01T12:00:00Z")), CancellationToken.None);

        var profile = (await harness.Services.Storage.Customers.GetEntityAsync<TableEntity>(TableKeys.Customer("acme-law", "lead/L"), "profile")).Value;
        Assert.Equal("new@example.com", profile.GetString("Email"));
        Assert.Equal(2L, profile.GetInt64("EventCount"));
        Assert.Equal(DateTimeOffset.Parse("2026-11-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture), profile.GetDateTimeOffset("FirstSeen"));
    }

    [Fact]
    public async Task ProcessAsync_LargeMixedBatch_AccountsForEveryEvent()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        var random = new Random(7);
        var bodies = Enumerable.Range(0, 500).Select(i => (random.Next(10)) switch
        {
            0 => TestEvents.CloudEvent($"v-{i}", "com.example.portal.message_sent", $"customer/{i % 40}", """{"thread_id":"t"}"""),
            1 => TestEvents.PageViewed($"e-{i - 1}", $"customer/{(i - 1) % 40}"),
            _ => TestEvents.PageViewed($"e-{i}", $"customer/{i % 40}"),
        }).ToArray();

        var result = await harness.Processor.ProcessAsync(TestEvents.Batch("2", 0, bodies), CancellationToken.None);

        Assert.Equal(500, result.Stored + result.Quarantined + result.Duplicates);
        Assert.Equal(result.Stored, (await harness.RawLinesAsync()).Count);
        Assert.Equal(result.Quarantined, (await harness.QuarantineLinesAsync()).Count);
        var profiles = (await harness.EntitiesAsync(harness.Services.Storage.Customers)).Where(e => e.RowKey == "profile").Sum(e => e.GetInt64("EventCount"));
        Assert.Equal(result.Stored, profiles);
    }

    private static bool IsTransactionOn(Azure.Core.HttpMessage message, string table) =>
        message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) && FaultInjectionPolicy.BodyMentions(message, table);
}
