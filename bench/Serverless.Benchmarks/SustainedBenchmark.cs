using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Serverless.DevKit.Azurite;
using Serverless.Local.Hosting;

namespace Serverless.Benchmarks;

/// <summary>
/// Sustained load: the local runtime (in this process) over a fresh in-memory Azurite, fed at a steady offered rate
/// for a while, its memory sampled every few seconds after a full, compacting collection. After a warm-up (JIT,
/// connection pools, Azure SDK caches) the working set and the managed heap should stay flat; a leak shows as growth.
/// </summary>
internal static class SustainedBenchmark
{
    public static async Task<SustainedResult> RunAsync(SustainedOptions options)
    {
        await using var azurite = await AzuriteServer.StartAsync();
        var app = await LoadBenchmark.StartRuntimeAsync(azurite, "sustained");
        try
        {
            var runtime = app.Services.GetRequiredService<LocalRuntime>();
            using var http = LoadBenchmark.ClientFor(app);
            using var process = Process.GetCurrentProcess();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Sustained load: {options.Rate:N0} events/s offered in batches of {options.EventsPerRequest}, {options.WarmUp.TotalSeconds:N0} s warm-up, then {options.Duration.TotalSeconds:N0} s sampled every {options.SampleEvery.TotalSeconds:N0} s"));

            using var stop = new CancellationTokenSource();
            var generator = new PacedLoad(http, options.Rate, options.EventsPerRequest);
            var senders = generator.Start(options.Concurrency, stop.Token);

            await Task.Delay(options.WarmUp);
            var start = Snapshot.Take(process, runtime, generator);
            var samples = new List<MemorySample>();
            var clock = Stopwatch.StartNew();
            Console.WriteLine("       s   working set MB   GC heap MB   live objects MB   pending   stored");
            while (clock.Elapsed < options.Duration)
            {
                await Task.Delay(options.SampleEvery);
                var sample = MemorySample.Take(process, clock.Elapsed, runtime.Stream.Pending, runtime.Stream.Statistics.Stored);
                samples.Add(sample);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {sample.Seconds,6:N0}   {Megabytes(sample.WorkingSetBytes),14:N1}   {Megabytes(sample.HeapBytes),10:N1}   {Megabytes(sample.LiveBytes),15:N1}   {sample.Pending,7:N0}   {sample.Stored,6:N0}"));
            }

            var end = Snapshot.Take(process, runtime, generator);
            await stop.CancelAsync();
            await Task.WhenAll(senders);
            await runtime.Stream.WaitUntilDrainedAsync(CancellationToken.None);

            var stored = end.Stored - start.Stored;
            var seconds = Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds;
            return new SustainedResult(
                OfferedRate: (end.Sent - start.Sent) / seconds,
                DeliveredRate: stored / seconds,
                AllocatedBytesPerEvent: (end.AllocatedBytes - start.AllocatedBytes) / (double)stored,
                CpuMicrosecondsPerEvent: (end.Cpu - start.Cpu).TotalMicroseconds / stored,
                WorkingSet: MemoryTrend.Of(samples, s => s.WorkingSetBytes),
                Heap: MemoryTrend.Of(samples, s => s.HeapBytes),
                Live: MemoryTrend.Of(samples, s => s.LiveBytes),
                FirstThirdPending: (int)samples.Take(samples.Count / 3).Average(s => s.Pending),
                LastThirdPending: (int)samples.TakeLast(samples.Count / 3).Average(s => s.Pending),
                Tolerance: options.Tolerance);
        }
        finally
        {
            await LoadBenchmark.StopRuntimeAsync(app);
        }
    }

    internal static double Megabytes(double bytes) => bytes / (1024 * 1024);

    private sealed record Snapshot(long Timestamp, long Stored, long Sent, long AllocatedBytes, TimeSpan Cpu)
    {
        public static Snapshot Take(Process process, LocalRuntime runtime, PacedLoad generator)
        {
            process.Refresh();
            return new Snapshot(Stopwatch.GetTimestamp(),
                runtime.Stream.Statistics.Stored, generator.SentEvents, GC.GetTotalAllocatedBytes(precise: true), process.TotalProcessorTime);
        }
    }
}

internal sealed record SustainedOptions(double Rate, TimeSpan WarmUp, TimeSpan Duration, TimeSpan SampleEvery, int EventsPerRequest, int Concurrency, double Tolerance);

/// <summary>One reading of this process's memory after a full, blocking, compacting collection.</summary>
internal sealed record MemorySample(double Seconds, long WorkingSetBytes, long HeapBytes, long LiveBytes, int Pending, long Stored)
{
    public static MemorySample Take(Process process, TimeSpan elapsed, int pending, long stored)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        process.Refresh();
        return new MemorySample(elapsed.TotalSeconds, process.WorkingSet64, GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes, GC.GetTotalMemory(forceFullCollection: false), pending, stored);
    }
}
