using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Serverless.Pipeline.Archive;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Preparation;
using Serverless.Pipeline.Validation;

namespace Serverless.Benchmarks;

/// <summary>
/// The processing stage without I/O (read the envelope; one pass that validates, normalizes, enriches and
/// pseudonymizes; write the raw line, the activity data and the enrichments) against a baseline that only parses each
/// event and writes it back with System.Text.Json. One thread; the two alternate round by round so that machine noise
/// hits both alike; the median round of each is reported. The realistic mix is the verdict; leads alone are printed
/// beside it, since their phones, emails and addresses are what costs.
/// </summary>
internal static class ProcessingBenchmark
{
    public static async Task<ProcessingResult> RunAsync(int events, int rounds)
    {
        var options = new PipelineOptions { PseudonymizationKey = Convert.ToBase64String(new byte[32]) };
        var schemas = await SchemaRegistry.LoadAsync(null, CancellationToken.None);
        var preparer = new EventPreparer(schemas, new Pseudonymizer(new byte[32], "k1"), options);
        var mix = SyntheticEvents.CreateMix(events);
        var leads = SyntheticEvents.Create(events);
        var mixResult = Compare("realistic mix (80 % app activity, 15 % leads, 5 % CRM changes)", mix, preparer, rounds);
        var leadResult = Compare("leads only", leads, preparer, rounds);
        PrintBreakdown("realistic mix", mix, schemas, preparer);
        PrintBreakdown("leads only", leads, schemas, preparer);
        return mixResult with { Leads = leadResult };
    }

    /// <summary>The realistic mix through the processing stage for a while, with no forced collection: what a profiler attached from outside should see.</summary>
    public static async Task LoopAsync(int events, int seconds)
    {
        var options = new PipelineOptions { PseudonymizationKey = Convert.ToBase64String(new byte[32]) };
        var preparer = new EventPreparer(await SchemaRegistry.LoadAsync(null, CancellationToken.None), new Pseudonymizer(new byte[32], "k1"), options);
        var incoming = SyntheticEvents.CreateMix(events).Select((b, i) => new IncomingEvent(b, new StreamPosition("0", i), DateTimeOffset.UnixEpoch)).ToArray();
        var output = new ArrayBufferWriter<byte>(4096);
        using var writer = new Utf8JsonWriter(output);
        var clock = Stopwatch.StartNew();
        var prepared = 0L;
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            foreach (var next in incoming)
            {
                var result = Prepare(preparer, next);
                output.ResetWrittenCount();
                writer.Reset(output);
                RawArchive.WriteLine(writer, result);
                writer.Flush();
                _ = result.Enrichments.ToViewJson();
                prepared++;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{prepared:N0} events in {clock.Elapsed.TotalSeconds:N1} s: {prepared / clock.Elapsed.TotalSeconds:N0} events/s; {GC.CollectionCount(0)} gen-0, {GC.CollectionCount(1)} gen-1, {GC.CollectionCount(2)} gen-2 collections"));
    }

    private static ProcessingResult Compare(string corpus, byte[][] bodies, EventPreparer preparer, int rounds)
    {
        var events = bodies.Length;
        var incoming = bodies.Select((b, i) => new IncomingEvent(b, new StreamPosition("0", i), DateTimeOffset.UnixEpoch)).ToArray();
        var output = new ArrayBufferWriter<byte>(4096);
        using var writer = new Utf8JsonWriter(output);

        void Baseline(int i)
        {
            using var document = JsonDocument.Parse(bodies[i]);
            output.ResetWrittenCount();
            writer.Reset(output);
            document.WriteTo(writer);
            writer.Flush();
        }

        void Processing(int i)
        {
            var prepared = Prepare(preparer, incoming[i]);
            output.ResetWrittenCount();
            writer.Reset(output);
            RawArchive.WriteLine(writer, prepared);
            writer.Flush();
            _ = prepared.PseudonymizedData.Length;
            _ = prepared.Enrichments.ToViewJson();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Processing stage, {corpus}: one thread, {events:N0} events of {bodies.Average(b => b.Length):N0} bytes, {rounds} rounds each"));
        WarmUp(Baseline, events);
        WarmUp(Processing, events);
        var baselineRates = new List<double>();
        var processingRates = new List<double>();
        long baselineBytes = 0, processingBytes = 0;
        for (var round = 0; round < rounds; round++)
        {
            var (rate, bytes) = Measure(Baseline, events);
            baselineRates.Add(rate);
            baselineBytes = bytes;
            (rate, bytes) = Measure(Processing, events);
            processingRates.Add(rate);
            processingBytes = bytes;
        }

        var result = new ProcessingResult(Median(processingRates), Median(baselineRates), processingBytes / (double)events, baselineBytes / (double)events, bodies.Average(b => b.Length));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  baseline (parse + write, System.Text.Json): {result.BaselineRate,12:N0} events/s  {result.BaselineBytesPerEvent,8:N0} bytes allocated/event"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  processing stage (no I/O):                  {result.Rate,12:N0} events/s  {result.BytesPerEvent,8:N0} bytes allocated/event"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  ratio processing/baseline: {result.Ratio:F3} (target >= {ProcessingResult.TargetRatio:F3}: {Verdict(result.Ratio >= ProcessingResult.TargetRatio)}); allocated {result.BytesPerEvent:N0} bytes/event (target <= {ProcessingResult.TargetBytesPerEvent:N0}: {Verdict(result.BytesPerEvent <= ProcessingResult.TargetBytesPerEvent)})"));
        return result;
    }

    // Where the time goes: each step alone, over the same events, per event.
    private static void PrintBreakdown(string corpus, byte[][] bodies, SchemaRegistry schemas, EventPreparer preparer)
    {
        var parser = new EnvelopeParser();
        var parsed = bodies.Select(b => parser.Parse(b, DateTimeOffset.UnixEpoch).Event!).ToArray();
        var resolved = parsed.Select(e => schemas.Resolve(e.Type, e.DataSchema).Schema!).ToArray();
        var incoming = bodies.Select((b, i) => new IncomingEvent(b, new StreamPosition("0", i), DateTimeOffset.UnixEpoch)).ToArray();
        var prepared = incoming.Select(e => Prepare(preparer, e)).ToArray();
        var output = new ArrayBufferWriter<byte>(4096);
        using var writer = new Utf8JsonWriter(output);
        var steps = new (string Name, Action<int> Work)[]
        {
            ("envelope (Utf8JsonReader, CloudEvents 1.0)", i => parser.Parse(bodies[i], DateTimeOffset.UnixEpoch)),
            ("schema resolution", i => schemas.Resolve(parsed[i].Type, parsed[i].DataSchema)),
            ("validation alone (compiled schema)", i => resolved[i].Compiled.Validate(parsed[i].DataUtf8.Span)),
            ("whole preparation (envelope + one pass)", i => preparer.Prepare(incoming[i])),
            ("raw archive line", i =>
            {
                output.ResetWrittenCount();
                writer.Reset(output);
                RawArchive.WriteLine(writer, prepared[i]);
                writer.Flush();
            }),
            ("enrichments as the views hold them", i => prepared[i].Enrichments.ToViewJson()),
        };
        Console.WriteLine($"  breakdown ({corpus}), one step at a time:");
        foreach (var (name, work) in steps)
        {
            WarmUp(work, bodies.Length);
            var (rate, bytes) = Measure(work, bodies.Length);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {name,-44} {1_000_000 / rate,8:N2} us/event  {bytes / (double)bodies.Length,8:N0} bytes/event"));
        }

        Console.WriteLine("    (the pass's own share: whole preparation minus envelope and resolution; --profile splits it further)");
    }

    private static PreparedEvent Prepare(EventPreparer preparer, IncomingEvent incoming)
    {
        var preparation = preparer.Prepare(incoming);
        return preparation.Prepared ?? throw new InvalidOperationException("Benchmark event rejected: " + preparation.Rejected!.Rejection.Violations[0].Message);
    }

    // Until the JIT has settled (tiered compilation promotes hot methods after a while): at least two seconds and
    // three passes, so that neither side is timed on tier-0 code.
    private static void WarmUp(Action<int> work, int events)
    {
        var clock = Stopwatch.StartNew();
        for (var pass = 0; pass < 3 || clock.Elapsed < TimeSpan.FromSeconds(2); pass++)
        {
            Measure(work, events);
        }
    }

    private static string Verdict(bool met) => met ? "met" : "NOT met";

    private static (double Rate, long Bytes) Measure(Action<int> work, int events)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < events; i++)
        {
            work(i);
        }

        clock.Stop();
        return (events / clock.Elapsed.TotalSeconds, GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
