using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Serverless.Local.Demo;

namespace Serverless.Cli.Load;

/// <summary>How to load the runtime: how many requests, how fast, how many at once.</summary>
public sealed record LoadPlan(Uri BaseAddress, int Requests, double RequestsPerSecond, int Concurrency, int Seed);

/// <summary>What a load run saw: statuses, events the API accepted, and request latencies.</summary>
public sealed record LoadReport(IReadOnlyDictionary<string, int> Statuses, long EventsAccepted, int TransportFailures, TimeSpan Elapsed, IReadOnlyList<double> LatenciesMs)
{
    public int Requests => Statuses.Values.Sum() + TransportFailures;
    public double RequestsPerSecond => Requests / Math.Max(Elapsed.TotalSeconds, 1e-9);
    public double EventsPerSecond => EventsAccepted / Math.Max(Elapsed.TotalSeconds, 1e-9);
    public int ServerErrors => Statuses.Where(s => s.Key.StartsWith('5')).Sum(s => s.Value);

    public double Percentile(double p)
    {
        if (LatenciesMs.Count == 0)
        {
            return 0;
        }

        var sorted = LatenciesMs.Order().ToList();
        var index = (int)Math.Ceiling(p / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }
}

/// <summary>
/// Sends the demo's synthetic, signed webhook traffic (four sources, with bad signatures and invalid data mixed in)
/// to a running local runtime, paced to a rate, a bounded number of requests, and measures each request.
/// </summary>
public sealed class LoadRun(HttpClient http, TimeProvider time)
{
    private const int MaxAttempts = 5;

    public async Task<LoadReport> RunAsync(LoadPlan plan, IProgress<LoadReport>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        // Ids carry a run tag so that a second run is new traffic to the runtime, not a replay of the first.
        var traffic = new DemoTraffic(plan.Seed, time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
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

                DemoTraffic.DemoRequest next;
                lock (traffic)
                {
                    next = traffic.Next();
                }

                var started = Stopwatch.GetTimestamp();
                try
                {
                    var (status, events) = await SendAsync(next, ct).ConfigureAwait(false);
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

    private async Task<(string Status, int Events)> SendAsync(DemoTraffic.DemoRequest next, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = next.Sign(time.GetUtcNow());
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < MaxAttempts)
            {
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var events = 0;
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                using var body = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
                events = body.RootElement.TryGetProperty("accepted", out var ids) && ids.ValueKind == JsonValueKind.Array ? ids.GetArrayLength() : 0;
            }

            return (((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), events);
        }
    }
}
