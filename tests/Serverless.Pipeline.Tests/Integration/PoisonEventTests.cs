using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Serverless.Pipeline.Dedupe;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Processing;
using Serverless.Pipeline.Recovery;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Tests.Support;
using Serverless.Pipeline.Views;

namespace Serverless.Pipeline.Tests.Integration;

/// <summary>Events that fail every time go to quarantine after bounded retries; the rest of their batch is stored.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class PoisonEventTests(AzuriteFixture azurite)
{
    private const string PoisonId = "evt-poison-1";
    private const string Subject = "customer/P-1";

    private static IReadOnlyList<IncomingEvent> MixedBatch() => TestEvents.Batch("2", 500,
        TestEvents.PageViewed("evt-good-1", Subject),
        TestEvents.PageViewed(PoisonId, Subject, "2026-11-21T10:01:00Z"),
        TestEvents.PageViewed("evt-good-2", Subject, "2026-11-21T10:02:00Z"),
        TestEvents.PageViewed("evt-other-1", "customer/Q-2"));

    // Storage refuses (400) every customer-view write that carries the poison event, however often it is tried.
    private static (FaultInjectionPolicy Fault, Func<StorageHarness, string> Table) RefuseViewsOf(string eventId)
    {
        string? customersTable = null;
        var fault = new FaultInjectionPolicy(message => customersTable is not null
            && FaultInjectionPolicy.BodyMentions(message, customersTable) && FaultInjectionPolicy.BodyMentions(message, eventId), int.MaxValue, status: 400);
        return (fault, harness => customersTable = harness.Services.Storage.Names.CustomersTable);
    }

    private static async Task<StorageHarness> HarnessAsync(AzuriteFixture azurite, FaultInjectionPolicy fault, Func<StorageHarness, string> arm)
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server, fault: fault, configure: o => o.PoisonRetryBackoff = TimeSpan.FromMilliseconds(1));
        arm(harness);
        return harness;
    }

    [Fact]
    public async Task ProcessAsync_ViewWriteRefusedEveryTime_QuarantinesOnlyThatEventAndStoresTheRest()
    {
        var (fault, arm) = RefuseViewsOf(PoisonId);
        var harness = await HarnessAsync(azurite, fault, arm);

        var result = await harness.Processor.ProcessAsync(MixedBatch(), CancellationToken.None);

        Assert.Equal((4, 3, 1, 0, 0), (result.Received, result.Stored, result.Quarantined, result.Duplicates, result.Suppressed));
        var poison = Assert.Single(result.Outcomes, o => o.Disposition == EventDisposition.Quarantined);
        Assert.Equal((PoisonId, RejectionReason.PoisonEvent), (poison.EventId, poison.Reason));
        Assert.True(fault.Injected >= PoisonIsolation.MaxAttempts, "the failing write was retried before it was isolated");

        var raw = (await harness.RawLinesAsync()).Select(l => JsonNode.Parse(l)!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(["evt-good-1", "evt-good-2", "evt-other-1"], raw.Order(StringComparer.Ordinal));
        var quarantined = JsonNode.Parse(Assert.Single(await harness.QuarantineLinesAsync()))!;
        Assert.Equal(nameof(RejectionReason.PoisonEvent), quarantined["reason"]!.GetValue<string>());
        Assert.Contains(PoisonId, quarantined["body"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("400 InvalidInput", quarantined["violations"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProcessAsync_PoisonEvent_ViewsCountersAndIndexAccountForItAsQuarantined()
    {
        var (fault, arm) = RefuseViewsOf(PoisonId);
        var harness = await HarnessAsync(azurite, fault, arm);

        var result = await harness.Processor.ProcessAsync(MixedBatch(), CancellationToken.None);

        var storage = harness.Services.Storage;
        var partition = TableKeys.Customer(TestEvents.Tenant, Subject);
        var profile = (await storage.Customers.GetEntityAsync<TableEntity>(partition, "profile")).Value;
        Assert.Equal(2L, profile.GetInt64("EventCount"));
        var rows = (await harness.EntitiesAsync(storage.Customers)).Where(r => r.PartitionKey == partition).ToList();
        Assert.Equal(["evt-good-2", "evt-good-1"], rows.Where(r => r.RowKey.StartsWith("act|", StringComparison.Ordinal)).Select(r => r.GetString("EventId")));
        var indexed = rows.Where(r => r.RowKey.StartsWith(SubjectIndex.Prefix, StringComparison.Ordinal)).Select(r => (r.GetString("Container"), r.GetString("Blob"))).ToList();
        Assert.Contains((storage.Names.QuarantineContainer, Assert.Single(result.QuarantineBlobs)), indexed);
        Assert.Contains((storage.Names.RawContainer, Assert.Single(result.RawBlobs)), indexed);

        var counters = new DailyCounters(storage.Counters);
        var day = new DateOnly(2026, 11, 21);
        Assert.Equal(3L, await counters.GetAsync(TestEvents.Tenant, day, "com.example.portal.page_viewed", CancellationToken.None));
        Assert.Equal(1L, await counters.GetAsync(TestEvents.Tenant, day, DailyCounters.QuarantinePrefix + RejectionReason.PoisonEvent, CancellationToken.None));
        Assert.DoesNotContain(rows, r => r.RowKey == ClaimRows.RowKey(PoisonId));
        Assert.Contains(rows, r => r.RowKey == ClaimRows.RowKey("evt-good-2"));
    }

    [Fact]
    public async Task ProcessAsync_PoisonAndInvalidEventOfOneCustomer_IndexCountsBothInTheQuarantineBlob()
    {
        var (fault, arm) = RefuseViewsOf(PoisonId);
        var harness = await HarnessAsync(azurite, fault, arm);
        var batch = TestEvents.Batch("4", 700,
            TestEvents.PageViewed("evt-good-1", Subject),
            TestEvents.PageViewed(PoisonId, Subject, "2026-11-21T10:01:00Z"),
            TestEvents.CloudEvent("evt-invalid-1", "com.example.portal.page_viewed", Subject, """{"path":42}"""));

        var result = await harness.Processor.ProcessAsync(batch, CancellationToken.None);

        Assert.Equal((1, 2), (result.Stored, result.Quarantined));
        var storage = harness.Services.Storage;
        var index = (await harness.EntitiesAsync(storage.Customers)).Single(r => r.PartitionKey == TableKeys.Customer(TestEvents.Tenant, Subject)
            && r.RowKey.StartsWith(SubjectIndex.Prefix, StringComparison.Ordinal) && r.GetString("Container") == storage.Names.QuarantineContainer);
        Assert.Equal(2, index.GetInt32("Events"));
    }

    [Fact]
    public async Task ProcessAsync_PoisonBatchRedelivered_LeavesTheSameState()
    {
        var (fault, arm) = RefuseViewsOf(PoisonId);
        var harness = await HarnessAsync(azurite, fault, arm);
        await harness.Processor.ProcessAsync(MixedBatch(), CancellationToken.None);
        var once = await harness.SnapshotAsync();

        var again = await harness.Processor.ProcessAsync(MixedBatch(), CancellationToken.None);

        Assert.Equal((3, 1), (again.Stored, again.Quarantined));
        Assert.Equal(once, await harness.SnapshotAsync());
    }

    [Fact]
    public async Task ProcessAsync_StorageUnavailable_ThrowsForRedeliveryAndQuarantinesNothing()
    {
        var fault = new FaultInjectionPolicy(message => FaultInjectionPolicy.BodyMentions(message, PoisonId) && FaultInjectionPolicy.BodyMentions(message, "customers"), 1);
        var harness = await HarnessAsync(azurite, fault, _ => string.Empty);

        await Assert.ThrowsAnyAsync<Exception>(() => harness.Processor.ProcessAsync(MixedBatch(), CancellationToken.None));
        var redelivered = await harness.Processor.ProcessAsync(MixedBatch(), CancellationToken.None);

        Assert.Equal((4, 0), (redelivered.Stored, redelivered.Quarantined));
        Assert.Empty(await harness.QuarantineLinesAsync());
    }

    [Fact]
    public async Task ReplayTenantAsync_PoisonEventAfterTheFault_IsStoredAndLeavesQuarantine()
    {
        var (fault, arm) = RefuseViewsOf(PoisonId);
        var harness = await HarnessAsync(azurite, fault, arm);
        await harness.Processor.ProcessAsync(MixedBatch(), CancellationToken.None);
        var healthy = await StorageHarness.CreateAsync(azurite.Server, harness.Prefix);

        var replayed = await new QuarantineReplay(healthy.Services, TimeProvider.System).ReplayTenantAsync(TestEvents.Tenant, CancellationToken.None);

        Assert.Equal((1, 1, 0), (replayed.Examined, replayed.Stored, replayed.Duplicates));
        Assert.Empty(await healthy.QuarantineLinesAsync());
        Assert.Contains(PoisonId, string.Join('\n', await healthy.RawLinesAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProcessAsync_PatternThatBacktracksWithoutEnd_QuarantinesAsProcessingFailed()
    {
        var schemas = Directory.CreateTempSubdirectory("schemas");
        var typeDirectory = Directory.CreateDirectory(Path.Combine(schemas.FullName, "test.broken_pattern"));
        await File.WriteAllTextAsync(Path.Combine(typeDirectory.FullName, "1-0-0.json"),
            """{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"code":{"type":"string","pattern":"^(a+)+$"}}}""");
        var harness = await StorageHarness.CreateAsync(azurite.Server, configure: o => o.SchemaDirectory = schemas.FullName);
        var batch = TestEvents.Batch("3", 10,
            TestEvents.CloudEvent("evt-broken-1", "test.broken_pattern", "customer/B-1", """{"code":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"}"""),
            TestEvents.PageViewed("evt-fine-1", "customer/B-1"));

        var result = await harness.Processor.ProcessAsync(batch, CancellationToken.None);

        Assert.Equal((1, 1), (result.Stored, result.Quarantined));
        Assert.Equal(RejectionReason.ProcessingFailed, result.Outcomes[0].Reason);
        var record = JsonNode.Parse(Assert.Single(await harness.QuarantineLinesAsync()))!;
        Assert.Equal("customer/B-1", record["subject"]!.GetValue<string>());
        var index = (await harness.EntitiesAsync(harness.Services.Storage.Customers))
            .Where(r => r.PartitionKey == TableKeys.Customer(TestEvents.Tenant, "customer/B-1") && r.RowKey.StartsWith(SubjectIndex.Prefix, StringComparison.Ordinal))
            .Select(r => r.GetString("Container"));
        Assert.Contains(harness.Services.Storage.Names.QuarantineContainer, index);
    }
}
