
namespace Serverless.Local.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class WorkflowRestartTests(AzuriteFixture azurite)
{
    private static readonly string[] Compared = ["raw", "quarantine", "customers", "identities", "eventids", "suppressions", "counters"];
    private static readonly string[] Volatile = ["Timestamp=", "odata.etag=", "ClaimedAt=", "SuppressedAt=", "ReceivedAt="];

    // What storage holds, and the counts each step of the request recorded: a resumed step reports the whole step.
    private async Task<string> EndStateAsync(string prefix)
    {
        var everything = await StorageScan.EverythingAsync(azurite.Server.ConnectionString, prefix);
        var steps = everything
            .Where(item => item.Where.StartsWith(prefix + "privacyrequests/", StringComparison.Ordinal))
            .SelectMany(item => item.Text.Split('\n').Where(line => line.StartsWith("Steps=", StringComparison.Ordinal)))
            .SelectMany(line => System.Text.Json.Nodes.JsonNode.Parse(line["Steps=".Length..])!.AsArray())
            .Select(step => step!["name"] + " " + step["counts"]!.ToJsonString());
        return string.Join("\n", steps) + "\n===\n" + string.Join("\n---\n", everything
            .Where(item => Compared.Any(name => item.Where.StartsWith(prefix + name + "/", StringComparison.Ordinal)))
            .Select(item => item.Where + "\n" + string.Join("\n", item.Text.Split('\n').Where(line => !Volatile.Any(v => line.StartsWith(v, StringComparison.Ordinal)))))
            .Order(StringComparer.Ordinal))
            .Replace(prefix, "{prefix}", StringComparison.Ordinal);
    }

    private async Task<string> CleanRunAsync()
    {
        var prefix = "w" + Guid.NewGuid().ToString("N")[..10];
        await using var clean = await WorkflowHarness.StartAsync(azurite.Server, prefix);
        await clean.PopulateAsync();
        var id = await clean.EraseAsync("customer/C-3");
        Assert.Equal("Completed", await clean.Runner.WaitForCompletionAsync(id, TimeSpan.FromSeconds(60), CancellationToken.None));
        return await EndStateAsync(prefix);
    }

    private async Task<string> KilledAndRestartedRunAsync(Func<string, Func<Azure.Core.HttpMessage, bool>> killWhen)
    {
        var prefix = "w" + Guid.NewGuid().ToString("N")[..10];
        var fault = new FaultInjectionPolicy(killWhen(prefix), times: 1);
        string id;
        await using (var doomed = await WorkflowHarness.StartAsync(azurite.Server, prefix, fault))
        {
            await doomed.PopulateAsync();
            id = await doomed.EraseAsync("customer/C-3");
            await Poll.UntilAsync(() => fault.Injected > 0, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(10));
            Assert.Equal(1, fault.Injected);
        }

        await using var restarted = await WorkflowHarness.StartAsync(azurite.Server, prefix);
        Assert.Equal("Completed", await restarted.Runner.WaitForCompletionAsync(id, TimeSpan.FromSeconds(60), CancellationToken.None));
        return await EndStateAsync(prefix);
    }

    [Fact]
    public async Task Runner_ErasureCompleted_HoldsNothingForItInMemory()
    {
        var prefix = "w" + Guid.NewGuid().ToString("N")[..10];
        await using var harness = await WorkflowHarness.StartAsync(azurite.Server, prefix);
        await harness.PopulateAsync();
        var id = await harness.EraseAsync("customer/C-3");

        Assert.Equal("Completed", await harness.Runner.WaitForCompletionAsync(id, TimeSpan.FromSeconds(60), CancellationToken.None));
        await Poll.UntilAsync(() => harness.Runner.InstancesInMemory == 0, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(10));
        Assert.Equal(0, harness.Runner.InstancesInMemory);
    }

    [Fact]
    public async Task Erasure_KilledBetweenABlobRewriteAndItsIndexUpdate_RestartEndsAsACleanRun()
    {
        var expected = await CleanRunAsync();

        var actual = await KilledAndRestartedRunAsync(prefix => message =>
            message.Request.Method == Azure.Core.RequestMethod.Delete
            && message.Request.Uri.Path.Contains(prefix + "customers", StringComparison.Ordinal)
            && Uri.UnescapeDataString(message.Request.Uri.ToUri().AbsoluteUri).Contains("blob|" + prefix + "raw", StringComparison.Ordinal));

        Assert.Equal(expected, actual);
        Assert.DoesNotContain("customer/C-3", actual, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Erasure_KilledAfterAStepRanButBeforeItWasRecorded_RestartEndsAsACleanRun()
    {
        var expected = await CleanRunAsync();

        var actual = await KilledAndRestartedRunAsync(prefix => message =>
            message.Request.Uri.Path.EndsWith(prefix + "workflows", StringComparison.Ordinal)
            && FaultInjectionPolicy.BodyMentions(message, "Privacy_PurgeRaw"));

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("delete-views")]
    [InlineData("raw-rewrite")]
    [InlineData("ledger")]
    [InlineData("purge-quarantine")]
    public async Task Erasure_KilledInsideAStep_RestartEndsAsACleanRunWithTheWholeStepsCounts(string where)
    {
        var expected = await CleanRunAsync();

        var actual = await KilledAndRestartedRunAsync(prefix => message => where switch
        {
            "delete-views" => message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal)
                && FaultInjectionPolicy.BodyMentions(message, prefix + "customers") && FaultInjectionPolicy.BodyMentions(message, "DELETE "),
            "raw-rewrite" => message.Request.Method == Azure.Core.RequestMethod.Put && message.Request.Uri.Path.Contains(prefix + "raw/", StringComparison.Ordinal)
                && message.Request.Headers.TryGetValue("If-Match", out _),
            // Purging the raw archive looks each erased event id up in the earlier ledger (claims are in the customer partitions).
            "ledger" => message.Request.Method == Azure.Core.RequestMethod.Get
                && Uri.UnescapeDataString(message.Request.Uri.Path).Contains(prefix + "eventids(PartitionKey='acme-law|", StringComparison.Ordinal),
            _ => message.Request.Method == Azure.Core.RequestMethod.Delete && message.Request.Uri.Path.Contains(prefix + "quarantine/", StringComparison.Ordinal),
        });

        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Erasure_KilledBetweenSteps_RestartEndsAsACleanRun()
    {
        var expected = await CleanRunAsync();

        var actual = await KilledAndRestartedRunAsync(prefix => message =>
            message.Request.Uri.Path.EndsWith(prefix + "workflows", StringComparison.Ordinal)
            && FaultInjectionPolicy.BodyMentions(message, "Privacy_DeleteViews"));

        Assert.Equal(expected, actual);
    }
}
