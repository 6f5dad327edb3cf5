using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Functions.Hosting;
using Serverless.Functions.Tests.Durable;
using Serverless.Functions.Triggers;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Storage;

namespace Serverless.Functions.Tests.Triggers;

/// <summary>
/// The Event Hubs trigger function over Azurite, invoked as the worker invokes it. The trigger checkpoints once an
/// invocation returns, so a batch must be stored before the invocation returns, however long storage is down.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ProcessEventsTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task RunAsync_BatchOfAPartition_StoresEveryEventUnderItsPartitionAndSequenceNumbers()
    {
        await using var app = await FunctionsAppHost.StartAsync(azurite.Server);
        var events = PageViews(5);

        await TriggerInvocation.RunAsync(app.Function<ProcessEvents>(), "3", 100, events, CancellationToken.None);

        var raw = await RawAsync(app);
        Assert.Equal(BlobBatchNames.For("acme-law", TriggerInvocation.Enqueued, new StreamPosition("3", 100), new StreamPosition("3", 104)), Assert.Single(raw).Blob);
        AssertStoredOnce(raw, 5);
        Assert.Equal(5, await EventCountAsync(app));
    }

    [Fact]
    public async Task RunAsync_StorageDownThenBack_KeepsRetryingAndReturnsOnlyOnceTheBatchIsStoredOnce()
    {
        // Once the pipeline is built, the raw archive (written last) fails while storage is "down": every failed attempt
        // has already written the customer views and the event-id ledger, so the attempt after recovery must not count
        // or store anything twice.
        var prefix = FunctionsAppHost.NewPrefix();
        var down = false;
        var fault = new FaultInjectionPolicy(message => Volatile.Read(ref down)
            && message.Request.Uri.Path.Contains("/" + prefix + "raw/", StringComparison.Ordinal), int.MaxValue);
        await using var app = await FunctionsAppHost.StartAsync(azurite.Server, prefix, storageFault: fault);
        await app.Services.GetRequiredService<PipelineProvider>().GetServicesAsync(CancellationToken.None);
        Volatile.Write(ref down, true);

        var invocation = TriggerInvocation.RunAsync(app.Function<ProcessEvents>(TinyRetry()), "0", 0, PageViews(5), CancellationToken.None);
        await UntilAsync(() => fault.Injected >= 3);
        var completedWhileDown = invocation.IsCompleted;
        Volatile.Write(ref down, false);
        await invocation.WaitAsync(Patience);

        Assert.False(completedWhileDown);
        AssertStoredOnce(await RawAsync(app), 5);
        Assert.Equal(5, await EventCountAsync(app));
    }

    [Fact]
    public async Task RunAsync_HostCancelsWhileStorageIsDown_EndsWithOperationCanceled()
    {
        var prefix = FunctionsAppHost.NewPrefix();
        var fault = new FaultInjectionPolicy(message => message.Request.Uri.Path.Contains("/" + prefix, StringComparison.Ordinal), int.MaxValue);
        await using var app = await FunctionsAppHost.StartAsync(azurite.Server, prefix, storageFault: fault);
        using var host = new CancellationTokenSource();

        var invocation = TriggerInvocation.RunAsync(app.Function<ProcessEvents>(TinyRetry()), "0", 0, PageViews(2), host.Token);
        await UntilAsync(() => fault.Injected >= 2);
        await host.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => invocation.WaitAsync(Patience));
    }

    private static BatchRetry TinyRetry() =>
        new(TimeProvider.System, NullLogger<BatchRetry>.Instance, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(20));

    private static List<string> PageViews(int count) =>
        [.. Enumerable.Range(0, count).Select(i => CustomerEvents.PageViewed($"pv-{i}", "customer/C-1"))];

    /// <summary>Polls a condition, with a deadline, while something runs in the background.</summary>
    private static async Task UntilAsync(Func<bool> condition)
    {
        if (!await Poll.UntilAsync(condition, Patience, TimeSpan.FromMilliseconds(10)))
        {
            throw new TimeoutException("The condition did not hold in time.");
        }
    }

    private static void AssertStoredOnce(IReadOnlyList<(string Blob, string[] Lines)> raw, int count)
    {
        var lines = raw.SelectMany(b => b.Lines).ToList();
        Assert.Equal(count, lines.Count);
        Assert.All(Enumerable.Range(0, count), i => Assert.Single(lines, line => line.Contains($"\"pv-{i}\"", StringComparison.Ordinal)));
    }

    private async Task<List<(string Blob, string[] Lines)>> RawAsync(FunctionsAppHost app)
    {
        var rawPrefix = app.Prefix + "raw/";
        return [.. (await StorageScan.EverythingAsync(azurite.Server.ConnectionString, app.Prefix))
            .Where(item => item.Where.StartsWith(rawPrefix, StringComparison.Ordinal))
            .Select(item => (item.Where[rawPrefix.Length..], item.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..]))];
    }

    private async Task<long?> EventCountAsync(FunctionsAppHost app)
    {
        var customers = new TableServiceClient(azurite.Server.ConnectionString).GetTableClient(app.Prefix + "customers");
        return (await customers.GetEntityAsync<TableEntity>(TableKeys.Customer("acme-law", "customer/C-1"), "profile")).Value.GetInt64("EventCount");
    }
}
