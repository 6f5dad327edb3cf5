using System.Diagnostics;
using System.Text.Json;
using Serverless.CrashTarget;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Tests.Support;

namespace Serverless.Pipeline.Tests.Integration;

/// <summary>
/// A process killed part way through a batch, for real: the batch runs in a child process that is killed with SIGKILL
/// while a chosen storage request is in flight, then the batch is delivered again, as Event Hubs would from the last
/// checkpoint. The end state must equal that of one clean run of the same batch, blob for blob and entity for entity.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ProcessKillTests(AzuriteFixture azurite)
{
    private const string HeldCustomerEvent = "evt-k4-2";

    private static IReadOnlyList<IncomingEvent> Batch()
    {
        var bodies = new List<byte[]>();
        for (var customer = 0; customer < 8; customer++)
        {
            for (var n = 1; n <= 3; n++)
            {
                bodies.Add(TestEvents.PageViewed($"evt-k{customer}-{n}", $"customer/K-{customer}", $"2026-11-21T09:{customer:D2}:{n:D2}Z"));
            }
        }

        bodies.Add(TestEvents.PageViewed("evt-k1-1", "customer/K-1"));
        bodies.Add(TestEvents.CloudEvent("evt-bad-1", "com.example.portal.page_viewed", "customer/K-2", """{"path":42}"""));
        bodies.Add(TestEvents.CloudEvent("evt-bad-2", "com.example.unknown", "customer/K-3", "{}"));
        return TestEvents.Batch("5", 9_000, [.. bodies]);
    }

    public static TheoryData<string> KillPoints() => ["archive", "views"];

    [Theory]
    [MemberData(nameof(KillPoints))]
    public async Task ProcessAsync_ProcessKilledMidBatchThenRedelivered_LeavesTheStateOfOneCleanRun(string killPoint)
    {
        var clean = await StorageHarness.CreateAsync(azurite.Server);
        await clean.Processor.ProcessAsync(Batch(), CancellationToken.None);
        var expected = await clean.SnapshotAsync();
        var crashed = await StorageHarness.CreateAsync(azurite.Server);
        var names = crashed.Services.Storage.Names;
        string[] hold = killPoint == "archive" ? ["/" + names.RawContainer + "/"] : [names.CustomersTable, HeldCustomerEvent];

        await RunAndKillAsync(crashed.Prefix, hold);
        var partial = await crashed.SnapshotAsync();
        var redelivered = await crashed.Processor.ProcessAsync(Batch(), CancellationToken.None);

        Assert.NotEqual(expected, partial);
        Assert.DoesNotContain("blob " + names.RawContainer.Replace(crashed.Prefix, "{prefix}", StringComparison.Ordinal), partial, StringComparison.Ordinal);
        Assert.Equal((24, 2, 1), (redelivered.Stored, redelivered.Quarantined, redelivered.Duplicates));
        Assert.Equal(expected, await crashed.SnapshotAsync());
    }

    // The child runs from its own build output, which carries its own dependencies; this project references it so that
    // building the tests builds it, in the same configuration.
    private static string CrashTargetPath()
    {
        var testsOutput = Path.Combine("tests", "Serverless.Pipeline.Tests");
        var path = Path.Combine(AppContext.BaseDirectory.Replace(testsOutput, Path.Combine("tests", "Serverless.CrashTarget"), StringComparison.Ordinal), "Serverless.CrashTarget.dll");
        Assert.True(File.Exists(path), "Build tests/Serverless.CrashTarget first: " + path);
        return path;
    }

    private async Task RunAndKillAsync(string prefix, string[] hold)
    {
        var job = new CrashJob
        {
            Options = TestPipeline.Options(prefix),
            Now = TestEvents.Enqueued,
            Events = Batch().Select(e => new CrashJobEvent(e.Body.ToArray(), e.Position.PartitionId, e.Position.SequenceNumber, e.EnqueuedTime)).ToList(),
            HoldRequestsMentioning = hold,
        };
        var jobFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(jobFile, JsonSerializer.Serialize(job, CrashJob.Json));
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(CrashTargetPath());
        start.ArgumentList.Add(azurite.Server.ConnectionString);
        start.ArgumentList.Add(jobFile);
        using var child = Process.Start(start)!;
        var errors = child.StandardError.ReadToEndAsync();
        string? line = null;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while ((line = await child.StandardOutput.ReadLineAsync(timeout.Token)) is not null && line != "holding")
            {
            }
        }
        catch (OperationCanceledException)
        {
            // Reported below, with what the child said.
        }
        finally
        {
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
            File.Delete(jobFile);
        }

        Assert.True(line == "holding", "The child did not reach the held request: " + await errors);
    }
}
