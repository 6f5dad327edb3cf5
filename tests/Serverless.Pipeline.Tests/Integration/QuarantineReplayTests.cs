using Azure.Data.Tables;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Recovery;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Tests.Support;

namespace Serverless.Pipeline.Tests.Integration;

[Collection(AzuriteCollection.Name)]
public sealed class QuarantineReplayTests(AzuriteFixture azurite) : IDisposable
{
    private readonly string _schemas = Directory.CreateTempSubdirectory("schema-fix").FullName;

    public void Dispose() => Directory.Delete(_schemas, recursive: true);

    private static byte[] VideoPlayed(string id, string subject) =>
        TestEvents.CloudEvent(id, "com.example.portal.video_played", subject, """{"video":"intro","seconds":42}""");

    [Fact]
    public async Task ReplayTenantAsync_AfterTheMissingSchemaIsAdded_StoresThoseEventsAndLeavesTheRestInQuarantine()
    {
        var before = await StorageHarness.CreateAsync(azurite.Server);
        await before.Processor.ProcessAsync(TestEvents.Batch("0", 0,
            VideoPlayed("v-1", "customer/1"), VideoPlayed("v-2", "customer/2"),
            TestEvents.CloudEvent("bad-1", "com.example.portal.message_sent", "customer/1", """{"thread_id":""}"""),
            TestEvents.PageViewed("p-1", "customer/1")), CancellationToken.None);
        Directory.CreateDirectory(Path.Combine(_schemas, "com.example.portal.video_played"));
        await File.WriteAllTextAsync(Path.Combine(_schemas, "com.example.portal.video_played", "1-0-0.json"),
            """{"type":"object","required":["video"],"properties":{"video":{"type":"string"},"seconds":{"type":"integer"}}}""");
        var after = await StorageHarness.CreateAsync(azurite.Server, before.Prefix, configure: o => o.SchemaDirectory = _schemas);
        var replay = new QuarantineReplay(after.Services, TimeProvider.System);

        var result = await replay.ReplayTenantAsync("acme-law", CancellationToken.None);

        Assert.Equal((3, 2, 1), (result.Examined, result.Stored, result.StillFailing));
        Assert.Equal(1, result.StillFailingByReason[RejectionReason.SchemaViolation]);
        var quarantine = await after.QuarantineLinesAsync();
        Assert.Contains("bad-1", Assert.Single(quarantine), StringComparison.Ordinal);
        var raw = await after.RawLinesAsync();
        Assert.Equal(3, raw.Count);
        Assert.Contains(raw, line => line.Contains("\"v-2\"", StringComparison.Ordinal));
        var profile = (await after.Services.Storage.Customers.GetEntityAsync<TableEntity>(TableKeys.Customer("acme-law", "customer/1"), "profile")).Value;
        Assert.Equal(2L, profile.GetInt64("EventCount"));
    }

    [Fact]
    public async Task ReplayTenantAsync_Twice_ChangesNothingTheSecondTime()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        await harness.Processor.ProcessAsync(TestEvents.Batch("0", 0, VideoPlayed("v-1", "customer/1")), CancellationToken.None);
        Directory.CreateDirectory(Path.Combine(_schemas, "com.example.portal.video_played"));
        await File.WriteAllTextAsync(Path.Combine(_schemas, "com.example.portal.video_played", "1-0-0.json"), """{"type":"object"}""");
        var fixedHarness = await StorageHarness.CreateAsync(azurite.Server, harness.Prefix, configure: o => o.SchemaDirectory = _schemas);
        var replay = new QuarantineReplay(fixedHarness.Services, TimeProvider.System);
        await replay.ReplayTenantAsync("acme-law", CancellationToken.None);
        var snapshot = await fixedHarness.SnapshotAsync();

        var again = await replay.ReplayTenantAsync("acme-law", CancellationToken.None);

        Assert.Equal(0, again.Examined);
        Assert.Equal(snapshot, await fixedHarness.SnapshotAsync());
    }

    [Fact]
    public async Task ReplayTenantAsync_WithoutAFix_LeavesQuarantineAsItWas()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        await harness.Processor.ProcessAsync(TestEvents.Batch("0", 0, VideoPlayed("v-1", "customer/1"), VideoPlayed("v-2", "customer/1")), CancellationToken.None);
        var snapshot = await harness.SnapshotAsync();

        var result = await new QuarantineReplay(harness.Services, TimeProvider.System).ReplayTenantAsync("acme-law", CancellationToken.None);

        Assert.Equal((2, 0, 2), (result.Examined, result.Stored, result.StillFailing));
        Assert.Equal(snapshot, await harness.SnapshotAsync());
    }
}
