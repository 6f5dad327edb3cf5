using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Serverless.DevKit.Discovery;
using Serverless.Local.Hosting;
using Serverless.Pipeline.Privacy.Audit;
using Serverless.Pipeline.Storage;

namespace Serverless.Cli.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class CommandTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly DateTimeOffset Enqueued = new(2026, 11, 21, 10, 30, 0, TimeSpan.Zero);
    private readonly string _schemas = Directory.CreateTempSubdirectory("cli-schemas").FullName;

    public void Dispose() => Directory.Delete(_schemas, recursive: true);

    [Fact]
    public async Task Rebuild_AfterTheProfileIsLost_ExitsZeroAndWritesItAgain()
    {
        var harness = await CliHarness.CreateAsync(azurite.Server);
        await harness.ProcessAsync(Enqueued, CliHarness.PageViewed("p-1", "customer/1"), CliHarness.PageViewed("p-2", "customer/1"));
        var partition = TableKeys.Customer(CliHarness.Tenant, "customer/1");
        await harness.Services.Storage.Customers.DeleteEntityAsync(partition, "profile", ETag.All);

        var run = await CliHarness.RunAsync(harness.Variables, "rebuild", "--tenant", CliHarness.Tenant, "--from", "2026-11-21", "--to", "2026-11-22");

        Assert.True(run.ExitCode == 0, run.ToString());
        var profile = (await harness.Services.Storage.Customers.GetEntityAsync<TableEntity>(partition, "profile")).Value;
        Assert.Equal(2L, profile.GetInt64("EventCount"));
        Assert.Matches(@"customers\s+1", run.Output);
        Assert.Contains("done", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rebuild_WithConnectionStringAndPrefixOptions_UsesThemOverTheEnvironment()
    {
        var harness = await CliHarness.CreateAsync(azurite.Server);
        await harness.ProcessAsync(Enqueued, CliHarness.PageViewed("p-1", "customer/1"));
        var variables = new Dictionary<string, string> { ["Pipeline__PseudonymizationKey"] = CliHarness.KeyBase64 };

        var run = await CliHarness.RunAsync(variables, "rebuild", "--tenant", CliHarness.Tenant, "--from", "2026-11-21T10:00Z", "--to", "2026-11-21T11:00Z",
            "--connection-string", harness.Azurite.ConnectionString, "--prefix", harness.Prefix);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"events\s+1", run.Output);
    }

    [Fact]
    public async Task Replay_AfterTheMissingSchemaIsAdded_StoresTheQuarantinedEvent()
    {
        var harness = await CliHarness.CreateAsync(azurite.Server);
        await harness.ProcessAsync(Enqueued, CliHarness.Event("v-1", "com.example.portal.video_played", "customer/1", """{"video":"intro"}"""));
        Directory.CreateDirectory(Path.Combine(_schemas, "com.example.portal.video_played"));
        await File.WriteAllTextAsync(Path.Combine(_schemas, "com.example.portal.video_played", "1-0-0.json"), """{"type":"object"}""");

        var run = await CliHarness.RunAsync(harness.Variables, "replay", "--tenant", CliHarness.Tenant, "--from", "2026-11-21", "--to", "2026-11-22", "--schemas", _schemas);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"examined\s+1", run.Output);
        Assert.Matches(@"stored\s+1", run.Output);
    }

    [Fact]
    public async Task Replay_OutsideTheQuarantinedHours_ExaminesNothing()
    {
        var harness = await CliHarness.CreateAsync(azurite.Server);
        await harness.ProcessAsync(Enqueued, CliHarness.Event("v-1", "com.example.portal.video_played", "customer/1", """{"video":"intro"}"""));

        var run = await CliHarness.RunAsync(harness.Variables, "replay", "--tenant", CliHarness.Tenant, "--from", "2026-11-22", "--to", "2026-11-23");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"examined\s+0", run.Output);
    }

    [Fact]
    public async Task AuditVerify_IntactChain_ExitsZero()
    {
        var harness = await CliHarness.CreateAsync(azurite.Server);
        await AppendAsync(harness, 3);

        var run = await CliHarness.RunAsync(harness.Variables, "audit", "verify", "--tenant", CliHarness.Tenant);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("intact: 3 records", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerify_EditedRecord_ExitsOneNamingIt()
    {
        var harness = await CliHarness.CreateAsync(azurite.Server);
        await AppendAsync(harness, 3);
        var blob = harness.Services.Storage.Audit.GetBlobClient(AuditLog.BlobName(CliHarness.Tenant, 2));
        var record = JsonNode.Parse((await blob.DownloadContentAsync()).Value.Content.ToString())!.AsObject();
        record["details"]!["lines"] = 0;
        await blob.UploadAsync(BinaryData.FromString(record.ToJsonString()), overwrite: true);

        var run = await CliHarness.RunAsync(harness.Variables, "audit", "verify", "--tenant", CliHarness.Tenant);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("BROKEN", run.Output, StringComparison.Ordinal);
        Assert.Contains("Record 2 was altered", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerify_StorageWithoutTheAuditContainer_ExitsOne()
    {
        var variables = new Dictionary<string, string> { ["AzureWebJobsStorage"] = azurite.Server.ConnectionString };

        var run = await CliHarness.RunAsync(variables, "audit", "verify", "--tenant", CliHarness.Tenant, "--prefix", "missing" + Guid.NewGuid().ToString("N")[..8]);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("Failed:", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_AgainstTheLocalRuntime_SendsEveryRequestAndPrintsThroughputAndLatency()
    {
        var harness = await CliHarness.CreateAsync(azurite.Server);
        var streamLog = Directory.CreateTempSubdirectory("cli-stream-log");
        await using var app = LocalApplication.Create([
            "--urls=http://127.0.0.1:0",
            "--Storage:ConnectionString=" + azurite.Server.ConnectionString,
            "--Pipeline:StoragePrefix=" + harness.Prefix,
            "--Local:Stream:DataDirectory=" + streamLog.FullName,
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var run = await CliHarness.RunAsync(new Dictionary<string, string>(), "load", "--url", address, "--count", "30", "--concurrency", "4", "--rate", "200");
        await app.StopAsync();
        await app.DisposeAsync();
        streamLog.Delete(recursive: true);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Sent 30 requests", run.Output, StringComparison.Ordinal);
        Assert.Contains("events/s", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"latency \(ms\)\s+p50 [0-9.]+\s+p95 [0-9.]+\s+p99 [0-9.]+\s+max [0-9.]+", run.Output);
        Assert.Matches(@"202: [1-9]", run.Output);
    }

    [Theory]
    [InlineData("rebuild --from 2026-11-21 --to 2026-11-22", "--tenant")]
    [InlineData("rebuild --tenant acme-law --from 2026-11-22 --to 2026-11-21", "must be after its start")]
    [InlineData("rebuild --tenant acme-law --from yesterday --to 2026-11-21", "not an ISO-8601")]
    [InlineData("rebuild --tenant Not_A_Tenant --from 2026-11-21 --to 2026-11-22", "not a tenant name")]
    [InlineData("rebuild --tenant acme-law --from 2026-11-21 --to 2026-11-22 --late-arrival soon", "not a duration")]
    [InlineData("replay --tenant acme-law --from 2026-11-21", "both --from and --to")]
    [InlineData("audit verify", "--tenant")]
    [InlineData("audit", "command was not provided")]
    [InlineData("load --url http://192.0.2.10:7071", "not a loopback address")]
    [InlineData("load --url not-a-url", "not an http(s) URL")]
    [InlineData("load --count 0", "--count must be")]
    [InlineData("load --concurrency 0", "--concurrency must be")]
    [InlineData("frobnicate", "frobnicate")]
    [InlineData("", "command")]
    public async Task AnyCommand_BadArguments_ExitsTwoWithAMessage(string arguments, string message)
    {
        var run = await CliHarness.RunAsync(new Dictionary<string, string>(), arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(message, run.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task Rebuild_WithoutAnyStorage_ExitsTwoSayingHowToGiveIt()
    {
        var run = await CliHarness.RunAsync(new Dictionary<string, string> { ["Pipeline__PseudonymizationKey"] = CliHarness.KeyBase64 },
            "rebuild", "--tenant", "acme-law", "--from", "2026-11-21", "--to", "2026-11-22");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--connection-string", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rebuild_WithoutThePseudonymizationKey_ExitsTwoNamingTheSetting()
    {
        var run = await CliHarness.RunAsync(new Dictionary<string, string> { ["AzureWebJobsStorage"] = azurite.Server.ConnectionString },
            "rebuild", "--tenant", "acme-law", "--from", "2026-11-21", "--to", "2026-11-22");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("PseudonymizationKey", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerify_NoStorageGivenWhileTheLocalRuntimeRuns_UsesItsStorageSettingsAndPrefix()
    {
        var harness = await CliHarness.CreateAsync(azurite.Server);
        await AppendAsync(harness, 2);
        var settings = Path.Combine(Path.GetTempPath(), "cli-runtime-settings-" + Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(settings, $$$"""{"Pipeline":{"PseudonymizationKey":"{{{CliHarness.KeyBase64}}}"}}""");
        try
        {
            var runtime = new LocalRuntimeState(azurite.Server.ConnectionString, settings, harness.Prefix, Environment.ProcessId);

            var run = await CliHarness.RunAsync(new Dictionary<string, string>(), runtime, "audit", "verify", "--tenant", CliHarness.Tenant);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("2 records", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(settings);
        }
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("AccountName=x;AccountKey=not-base64!;BlobEndpoint=http://127.0.0.1:1/x")]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1")]
    public async Task AuditVerify_MistypedConnectionString_ExitsTwoWithOneLine(string connectionString)
    {
        var run = await CliHarness.RunAsync(new Dictionary<string, string> { ["Pipeline__PseudonymizationKey"] = CliHarness.KeyBase64 },
            "audit", "verify", "--tenant", "acme-law", "--connection-string", connectionString);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCommand_BothConnectionStringAndAccount_ExitsTwo()
    {
        var run = await CliHarness.RunAsync(new Dictionary<string, string>(),
            "audit", "verify", "--tenant", "acme-law", "--connection-string", azurite.Server.ConnectionString, "--account", "someaccount");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("not both", run.Error, StringComparison.Ordinal);
    }

    private static async Task AppendAsync(CliHarness harness, int count)
    {
        var log = new AuditLog(harness.Services.Storage.Audit, harness.Services.Storage.AuditHead, TimeProvider.System);
        for (var i = 1; i <= count; i++)
        {
            await log.AppendAsync(CliHarness.Tenant, "er_" + i, "erasure-completed", new JsonObject { ["lines"] = i }, CancellationToken.None);
        }
    }
}
