using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.DevKit.Azurite;
using Serverless.DevKit.Webhooks;
using Serverless.Local.Hosting;
using Serverless.Pipeline.Composition;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Ingestion;

namespace Serverless.Benchmarks;

/// <summary>
/// End to end over HTTP against the running local runtime, and in the same run Azurite's ceiling for the same writes:
/// the same events, prepared beforehand, stored by the pipeline's own storage half in full 500-event batches, four
/// partitions at once. The ratio says how much of what storage can take the whole pipeline delivers.
/// </summary>
internal static class LoadBenchmark
{
    private const int Partitions = 8;

    public static async Task<LoadResult> RunAsync(int requests, int eventsPerRequest, int concurrency)
    {
        await using var azurite = await AzuriteServer.StartAsync();
        var bodies = Enumerable.Range(0, requests).Select(r => Batch(r, eventsPerRequest)).ToList();
        var events = requests * eventsPerRequest;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Load: {requests:N0} signed CloudEvents batches of {eventsPerRequest} events ({events:N0} events), {concurrency} clients, Azurite in memory"));

        var (e2eRate, p50, p99, cpuPerEvent, commit) = await EndToEndAsync(azurite, bodies, concurrency);
        var ceilingRate = await CeilingAsync(azurite, bodies);
        var ratio = e2eRate / ceilingRate;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  end to end (HTTP -> stream -> storage): {e2eRate,10:N0} events/s   ingest latency p50 {p50:F1} ms, p99 {p99:F1} ms, {cpuPerEvent:N0} us CPU/event"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  durable log (SQLite WAL, fsync per group commit): commit p50 {commit.P50:F1} ms, p99 {commit.P99:F1} ms, {commit.RequestsPerCommit:F1} requests per commit"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Azurite ceiling for the same writes:     {ceilingRate,10:N0} events/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ratio end-to-end/ceiling: {ratio:F3} (target >= {LoadResult.TargetRatio:F3}: {(ratio >= LoadResult.TargetRatio ? "met" : "NOT met")})"));
        return new LoadResult(e2eRate, ceilingRate, p50, p99, cpuPerEvent, commit.P50, commit.P99, commit.RequestsPerCommit);
    }

    // CPU is the whole process's: the runtime, and also the clients that build and sign the requests.
    private static async Task<(double Rate, double P50, double P99, double CpuMicrosecondsPerEvent, (double P50, double P99, double RequestsPerCommit) Commit)> EndToEndAsync(AzuriteServer azurite, List<byte[]> bodies, int concurrency)
    {
        var app = await StartRuntimeAsync(azurite, "loade2e");
        try
        {
            var runtime = app.Services.GetRequiredService<LocalRuntime>();
            using var http = ClientFor(app);
            await SendAsync(http, Batch(-1, 10), "warm-up");
            await runtime.Stream.WaitUntilDrainedAsync(CancellationToken.None);
            var before = runtime.Stream.Statistics.Stored;
            var log = runtime.Stream.Log;
            log.CommitLatency.Reset();
            var (commitsBefore, appendsBefore) = (log.Commits, log.Appends);

            var latencies = new ConcurrentBag<double>();
            using var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(bodies.Select((body, i) => (body, i)), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (item, _) =>
            {
                var sent = Stopwatch.GetTimestamp();
                await SendAsync(http, item.body, "load-" + item.i.ToString(CultureInfo.InvariantCulture));
                latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            });
            await runtime.Stream.WaitUntilDrainedAsync(CancellationToken.None);
            clock.Stop();
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;

            var stored = runtime.Stream.Statistics.Stored - before;
            var sorted = latencies.Order().ToList();
            var commit = (log.CommitLatency.Percentile(0.5) ?? 0, log.CommitLatency.Percentile(0.99) ?? 0, (double)(log.Appends - appendsBefore) / (log.Commits - commitsBefore));
            return (stored / clock.Elapsed.TotalSeconds, sorted[sorted.Count / 2], sorted[(int)(sorted.Count * 0.99)], cpu.TotalMicroseconds / stored, commit);
        }
        finally
        {
            await StopRuntimeAsync(app);
        }
    }

    /// <summary>Stops and disposes the runtime, then removes its stream log.</summary>
    internal static async Task StopRuntimeAsync(WebApplication app)
    {
        var logDirectory = app.Services.GetRequiredService<LocalRuntime>().Stream.Log.Directory;
        await app.StopAsync();
        await app.DisposeAsync();
        Directory.Delete(logDirectory, recursive: true);
    }

    /// <summary>The local runtime on a free port over <paramref name="azurite"/>, logging warnings only.</summary>
    internal static async Task<WebApplication> StartRuntimeAsync(AzuriteServer azurite, string storagePrefix)
    {
        var app = LocalApplication.Create([
            "--contentRoot", Path.Combine(RepositoryRoot.Path, "functions", "Serverless.Local"),
            "--urls", "http://127.0.0.1:0",
            "--Storage:ConnectionString", azurite.ConnectionString,
            "--Pipeline:StoragePrefix", storagePrefix,
            "--Local:Stream:Capacity", "100000", "--Local:Stream:Partitions", Partitions.ToString(CultureInfo.InvariantCulture),
            "--Local:Stream:DataDirectory", Directory.CreateTempSubdirectory("bench-stream-log").FullName,
            "--Logging:LogLevel:Default", "Warning",
        ]);
        await app.StartAsync();
        return app;
    }

    internal static HttpClient ClientFor(WebApplication app) =>
        new() { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };

    private static async Task<double> CeilingAsync(AzuriteServer azurite, List<byte[]> bodies)
    {
        var options = new PipelineOptions { PseudonymizationKey = Convert.ToBase64String(new byte[32]), StoragePrefix = "loadceil" };
        var services = await PipelineServices.CreateAsync(options, new BlobServiceClient(azurite.ConnectionString), new TableServiceClient(azurite.ConnectionString),
            TimeProvider.System, NullLoggerFactory.Instance, CancellationToken.None);
        await services.Storage.EnsureCreatedAsync(CancellationToken.None);

        // Untimed: split the batches into events, partition them by customer as the stream does, and prepare them.
        var sequence = 0L;
        var partitions = bodies
            .SelectMany(Events)
            .Select(body => new IncomingEvent(body, new StreamPosition("0", sequence++), DateTimeOffset.UtcNow))
            .Select(incoming => services.Preparer.Prepare(incoming).Prepared!)
            .GroupBy(p => (uint)p.Event.Subject.GetHashCode(StringComparison.Ordinal) % Partitions)
            .Select(g => g.Select(p => p with { Incoming = p.Incoming with { Position = new StreamPosition(g.Key.ToString(CultureInfo.InvariantCulture), p.Incoming.Position.SequenceNumber) } })
                .Chunk(500).ToList())
            .ToList();

        // Ingestion also checks and records each request's delivery id for replay protection: the same requests, alongside.
        var deliveries = new DeliveryLog(services.Storage.Deliveries, TimeProvider.System);
        var clock = Stopwatch.StartNew();
        var recordDeliveries = Parallel.ForEachAsync(Enumerable.Range(0, bodies.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, ct) =>
            {
                var id = "msg_load-" + i.ToString(CultureInfo.InvariantCulture);
                if (!await deliveries.ContainsAsync("client-portal", id, ct))
                {
                    await deliveries.RecordAsync("client-portal", id, ct);
                }
            });
        await Task.WhenAll(partitions.Select(async batches =>
        {
            foreach (var batch in batches)
            {
                await services.Processor.StorePreparedAsync(batch.Select(p => p.Incoming).ToList(), batch, CancellationToken.None);
            }
        }).Append(recordDeliveries));
        clock.Stop();
        return partitions.Sum(p => p.Sum(b => b.Length)) / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Sends one signed batch, waiting and sending again while the stream is full (429).</summary>
    internal static async Task SendAsync(HttpClient http, byte[] body, string id)
    {
        while (true)
        {
            using var request = WebhookSigner.StandardWebhooks("/api/ingest/client-portal", body, "application/cloudevents-batch+json", SampleSecrets.StandardWebhooks, "msg_" + id, DateTimeOffset.UtcNow);
            using var response = await http.SendAsync(request);
            if ((int)response.StatusCode == 429)
            {
                await Task.Delay(100);
                continue;
            }

            if ((int)response.StatusCode != 202)
            {
                throw new InvalidOperationException($"The runtime answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }

            return;
        }
    }

    /// <summary>A CloudEvents batch of page views, its ids unique per request, about 2,000 customers in all.</summary>
    internal static byte[] Batch(int request, int count)
    {
        var events = Enumerable.Range(0, count).Select(i =>
            $$$"""{"specversion":"1.0","id":"load-{{{request}}}-{{{i}}}","source":"app://client-portal","type":"com.example.portal.page_viewed","subject":"customer/C-{{{(request * 7919 + i * 104729) % 2000}}}","time":"2026-11-21T10:00:00Z","tenant":"acme-law","data":{"path":"/cases/{{{i}}}","session_id":"s-{{{request}}}"}}""");
        return Encoding.UTF8.GetBytes("[" + string.Join(',', events) + "]");
    }

    private static IEnumerable<byte[]> Events(byte[] batch)
    {
        using var document = System.Text.Json.JsonDocument.Parse(batch);
        return document.RootElement.EnumerateArray().Select(e => Encoding.UTF8.GetBytes(e.GetRawText())).ToList();
    }
}
