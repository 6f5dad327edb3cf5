using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Serverless.DevKit.Traffic;
using Serverless.Local.Dashboard;
using Serverless.Local.Hosting;

namespace Serverless.Local.Demo;

/// <summary>What the demo saw, and whether anything accepted went missing.</summary>
public sealed record DemoSummary(long Accepted, long Stored, long Quarantined, long Duplicates, long Suppressed, double EventsPerSecond)
{
    public long Lost => Accepted - Stored - Quarantined - Duplicates - Suppressed;
}

/// <summary>Sends the synthetic stream to the running runtime over HTTP, shows progress, and prints a summary.</summary>
public static class DemoRunner
{
    public static async Task<DemoSummary> RunAsync(WebApplication app, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(output);
        var runtime = app.Services.GetRequiredService<LocalRuntime>();
        var configuration = app.Services.GetRequiredService<IConfiguration>();
        var requests = int.Parse(configuration["Demo:Requests"] ?? "1500", CultureInfo.InvariantCulture);
        var concurrency = int.Parse(configuration["Demo:Concurrency"] ?? "8", CultureInfo.InvariantCulture);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };

        output.WriteLine($"Demo: {requests:N0} webhook requests from 4 sources to {address}, {concurrency} at a time.");
        output.WriteLine($"Dashboard: {address}{DashboardEndpoints.PagePath} (live while the demo runs; run without --demo to keep it open)");
        foreach (var line in DashboardKeys.Describe(runtime.ApiKeys))
        {
            output.WriteLine(line);
        }

        // Ids carry a run tag: Azurite keeps its data between runs, and a second run is new traffic, not a replay.
        var traffic = new SyntheticTraffic(seed: 2026, run: DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        var sender = new TrafficSender(http, TimeProvider.System);
        var statuses = new ConcurrentDictionary<string, int>();
        long acceptedByApi = 0;
        var clock = Stopwatch.StartNew();
        using var progress = new Timer(_ => output.WriteLine(Progress(runtime, clock)), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));

        await Parallel.ForEachAsync(Enumerable.Range(0, requests), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (_, ct) =>
            {
                SyntheticRequest next;
                lock (traffic)
                {
                    next = traffic.Next();
                }

                var (status, accepted) = await sender.SendAsync(next, ct).ConfigureAwait(false);
                Interlocked.Add(ref acceptedByApi, accepted);
                statuses.AddOrUpdate(status, 1, (_, c) => c + 1);
                if (status == "202" && next.Events == 1 && Random.Shared.Next(100) < 3)
                {
                    var (replay, _) = await sender.SendAsync(next, ct).ConfigureAwait(false);
                    statuses.AddOrUpdate(replay == "200" ? "200 (replayed delivery)" : replay, 1, (_, c) => c + 1);
                }
            }).ConfigureAwait(false);

        await runtime.Stream.WaitUntilDrainedAsync(cancellationToken).ConfigureAwait(false);
        clock.Stop();
        var stats = runtime.Stream.Statistics;
        // Events a crashed earlier run had accepted are delivered again from the log at start, and count as accepted here.
        var summary = new DemoSummary(stats.Accepted + stats.Recovered, stats.Stored, stats.Quarantined, stats.Duplicates, stats.Suppressed, stats.Processed / clock.Elapsed.TotalSeconds);
        var names = runtime.Pipeline.Storage.Names;

        output.WriteLine();
        output.WriteLine($"Demo finished in {clock.Elapsed.TotalSeconds:F1} s");
        output.WriteLine($"  requests      {string.Join(", ", statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}: {s.Value:N0}"))}");
        output.WriteLine($"  accepted      {summary.Accepted,10:N0} events (the API answered 202 for {acceptedByApi:N0})");
        output.WriteLine($"  stored        {summary.Stored,10:N0}");
        output.WriteLine($"  quarantined   {summary.Quarantined,10:N0}  {string.Join(", ", stats.QuarantinedByReason.OrderBy(r => r.Key).Select(r => $"{r.Key} {r.Value:N0}"))}");
        output.WriteLine($"  duplicates    {summary.Duplicates,10:N0}");
        output.WriteLine($"  suppressed    {summary.Suppressed,10:N0}  (people whose erasure was requested)");
        output.WriteLine($"  lost          {summary.Lost,10:N0}  (accepted - stored - quarantined - duplicates - suppressed)");
        output.WriteLine($"  throughput    {summary.EventsPerSecond,10:N0} events/s, ingest to storage");
        output.WriteLine();
        output.WriteLine($"Results are in {runtime.Storage.Description}:");
        output.WriteLine($"  blob containers '{names.RawContainer}' (raw archive) and '{names.QuarantineContainer}' (quarantine, with reasons)");
        output.WriteLine($"  tables '{names.CustomersTable}' (profiles, recent activity, subject index), '{names.CountersTable}' (daily counters)");
        output.WriteLine($"  run the runtime again without --demo and open {address}{DashboardEndpoints.PagePath} or {address}/api/health; or browse the account with Azure Storage Explorer");
        return summary;
    }

    private static string Progress(LocalRuntime runtime, Stopwatch clock)
    {
        var stats = runtime.Stream.Statistics;
        return string.Create(CultureInfo.InvariantCulture,
            $"  {clock.Elapsed.TotalSeconds,5:F0} s  accepted {stats.Accepted,8:N0}  processed {stats.Processed,8:N0}  pending {runtime.Stream.Pending,6:N0}  {stats.Processed / clock.Elapsed.TotalSeconds,7:N0} events/s");
    }
}
