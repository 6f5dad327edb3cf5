using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Local.Streaming;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Ingestion;
using Serverless.Pipeline.Processing;

namespace Serverless.Local.Tests;

/// <summary>The stream over its durable log, without storage: what a restart delivers again, and what a checkpoint drops.</summary>
public sealed class DurableStreamTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("stream-log-test").FullName;
    private readonly StreamOptions _options = new() { Partitions = 4, BatchWait = TimeSpan.Zero };

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Start_AfterAStopThatLeftEventsUnprocessed_DeliversThemAgainInOrderWithTheirSequenceNumbersBeforeNewOnes()
    {
        var firstRun = new ConcurrentQueue<StreamPosition>();
        var stuck = Open(async (batch, ct) =>
        {
            foreach (var e in batch)
            {
                firstRun.Enqueue(e.Position);
            }

            await Task.Delay(Timeout.Infinite, ct);
            return new BatchResult([], [], []);
        });
        stuck.Start();
        for (var r = 0; r < 5; r++)
        {
            Assert.True((await stuck.TryEnqueueAsync(Request("old", r, 20), CancellationToken.None)).Accepted);
        }

        await WaitUntilAsync(() => !firstRun.IsEmpty);
        await stuck.DisposeAsync();

        var delivered = new ConcurrentQueue<IncomingEvent>();
        await using var restarted = Open((batch, _) =>
        {
            foreach (var e in batch)
            {
                delivered.Enqueue(e);
            }

            return Task.FromResult(new BatchResult([], [], []));
        });
        restarted.Start();
        Assert.True((await restarted.TryEnqueueAsync(Request("new", 0, 20), CancellationToken.None)).Accepted);
        await restarted.WaitUntilDrainedAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        var events = delivered.ToList();
        Assert.Equal(120, events.Count);
        Assert.Equal(100, restarted.Statistics.Recovered);
        Assert.Subset(events.Select(e => e.Position).ToHashSet(), firstRun.ToHashSet());
        foreach (var partition in events.GroupBy(e => e.Position.PartitionId))
        {
            var sequences = partition.Select(e => e.Position.SequenceNumber).ToList();
            Assert.Equal(sequences.Order(), sequences);
            Assert.Equal(sequences.Count, sequences.Distinct().Count());
            var ids = partition.Select(e => Encoding.UTF8.GetString(e.Body.Span)).ToList();
            Assert.True(ids.TakeWhile(id => id.StartsWith("old", StringComparison.Ordinal)).Count() == ids.Count(id => id.StartsWith("old", StringComparison.Ordinal)),
                "every event from before the restart comes before the new ones in its partition");
        }
    }

    [Fact]
    public async Task Checkpoint_AfterEveryBatchIsProcessed_LeavesNothingToDeliverAgain()
    {
        await using (var stream = Open((batch, _) => Task.FromResult(new BatchResult([], [], []))))
        {
            stream.Start();
            Assert.True((await stream.TryEnqueueAsync(Request("done", 0, 40), CancellationToken.None)).Accepted);
            await stream.WaitUntilDrainedAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
            await stream.StopAsync(CancellationToken.None);

            Assert.All(stream.LogHealth().Checkpoints.Values, c => Assert.True(c > 0));
            Assert.Null(stream.OldestUnprocessedAge);
        }

        await using var log = DurableLog.Open(_directory, _options.Partitions, NullLogger.Instance);
        Assert.Empty(log.TakeRecovered());
        Assert.All(Enumerable.Range(0, _options.Partitions), p => Assert.True(log.LastSequence(p) > 0));
    }

    [Fact]
    public async Task TryEnqueue_MoreBytesThanTheLogMayHold_RefusesTheWholeRequest()
    {
        _options.MaxLogBytes = 100;
        await using var stream = Open((batch, _) => Task.FromResult(new BatchResult([], [], [])));
        stream.Start();

        var result = await stream.TryEnqueueAsync(Request("big", 0, 40), CancellationToken.None);

        Assert.False(result.Accepted);
        Assert.True(result.RetryAfter > TimeSpan.Zero);
        Assert.Equal(0, stream.Pending);
    }

    [Fact]
    public async Task Open_WhileAnotherRuntimeHasTheLogOpen_RefusesWithAMessageThatSaysSo()
    {
        await using var first = DurableLog.Open(_directory, _options.Partitions, NullLogger.Instance);

        var refusal = Assert.Throws<InvalidOperationException>(() => DurableLog.Open(_directory, _options.Partitions, NullLogger.Instance));

        Assert.Contains("Another process has the stream log", refusal.Message, StringComparison.Ordinal);
    }

    private PartitionedStream Open(Func<IReadOnlyList<IncomingEvent>, CancellationToken, Task<BatchResult>> process) =>
        new(_options, DurableLog.Open(_directory, _options.Partitions, NullLogger.Instance), process, new ManualClock(Now), NullLogger<PartitionedStream>.Instance);

    private static List<MappedEvent> Request(string prefix, int request, int count) =>
        Enumerable.Range(0, count)
            .Select(i => new MappedEvent($"{prefix}-{request}-{i}", "acme|customer/" + (i % 7), Encoding.UTF8.GetBytes($"{prefix}-{request}-{i}")))
            .ToList();

    private static async Task WaitUntilAsync(Func<bool> condition) =>
        Assert.True(await Poll.UntilAsync(condition, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(10)), "the condition never held");
}
