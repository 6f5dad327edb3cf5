using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Serverless.DevKit.Traffic;

/// <summary>
/// Sends the synthetic, signed webhook traffic (four sources, with bad signatures and invalid data mixed in)
/// to a running local runtime, paced to a rate, a bounded number of requests, and measures each request.
/// </summary>
public sealed class LoadRun(HttpClient http, TimeProvider time)
{
    private const int MaxAttempts = 5;
    private readonly TrafficSender _sender = new(http, time, MaxAttempts);

    public async Task<LoadReport> RunAsync(LoadPlan plan, IProgress<LoadReport>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        // Ids carry a run tag so that a second run is new traffic to the runtime, not a replay of the first.
        var traffic = new SyntheticTraffic(plan.Seed, time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        var statuses = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var latencies = new ConcurrentBag<double>();
        long accepted = 0;
        var failures = 0;
        var clock = Stopwatch.StartNew();
        LoadReport Snapshot() => new(new Dictionary<string, int>(statuses), Interlocked.Read(ref accepted), Volatile.Read(ref failures), clock.Elapsed, [.. latencies]);

        await Parallel.ForEachAsync(Enumerable.Range(0, plan.Requests), new ParallelOptions { MaxDegreeOfParallelism = plan.Concurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                if (plan.RequestsPerSecond > 0)
                {
                    var due = TimeSpan.FromSeconds(i / plan.RequestsPerSecond) - clock.Elapsed;
                    if (due > TimeSpan.Zero)
                    {
                        await Task.Delay(due, time, ct).ConfigureAwait(false);
                    }
                }

                SyntheticRequest next;
                lock (traffic)
                {
                    next = traffic.Next();
                }

                var started = Stopwatch.GetTimestamp();
                try
                {
                    var (status, events) = await _sender.SendAsync(next, ct).ConfigureAwait(false);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    statuses.AddOrUpdate(status, 1, (_, c) => c + 1);
                    Interlocked.Add(ref accepted, events);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failures);
                }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failures); // The client's timeout.
                }

                progress?.Report(Snapshot());
            }).ConfigureAwait(false);

        clock.Stop();
        return Snapshot();
    }
}
