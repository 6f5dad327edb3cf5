using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Serverless.Pipeline.Archive;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Enrichment;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Normalization;
using Serverless.Pipeline.Preparation;
using Serverless.Pipeline.Validation;

namespace Serverless.Benchmarks;

/// <summary>
/// The processing stage without I/O (parse, validate, normalize, enrich, pseudonymize, write the raw line and the
/// activity data and enrichments) against a baseline that only parses each event and writes it back with System.Text.Json. One thread; the
/// two alternate round by round so that machine noise hits both alike; the median round of each is reported.
/// </summary>
internal static class ProcessingBenchmark
{
    public static async Task<ProcessingResult> RunAsync(int events, int rounds)
    {
        var bodies = SyntheticEvents.Create(events);
        var averageSize = bodies.Average(b => b.Length);
        var options = new PipelineOptions { PseudonymizationKey = Convert.ToBase64String(new byte[32]) };
        var schemas = await SchemaRegistry.LoadAsync(null, CancellationToken.None);
        var preparer = new EventPreparer(schemas, new Pseudonymizer(new byte[32], "k1"), options);
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
            var preparation = preparer.Prepare(incoming[i]);
            var prepared = preparation.Prepared ?? throw new InvalidOperationException("Benchmark event rejected: " + preparation.Rejected!.Rejection.Violations[0].Message);
            output.ResetWrittenCount();
            writer.Reset(output);
            RawArchive.WriteLine(writer, prepared);
            writer.Flush();
            _ = prepared.PseudonymizedData.ToJsonString();
            _ = prepared.Enrichments.ToViewJson();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Processing stage, one thread, {events:N0} events of {averageSize:N0} bytes, {rounds} rounds each"));
        Measure(Baseline, events);
        Measure(Processing, events);
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

        var baselineRate = Median(baselineRates);
        var processingRate = Median(processingRates);
        var ratio = processingRate / baselineRate;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  baseline (parse + write, System.Text.Json): {baselineRate,12:N0} events/s  {baselineBytes / (double)events,8:N0} bytes allocated/event"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  processing stage (no I/O):                  {processingRate,12:N0} events/s  {processingBytes / (double)events,8:N0} bytes allocated/event"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ratio processing/baseline: {ratio:F3} (target >= {ProcessingResult.TargetRatio:F3}: {(ratio >= ProcessingResult.TargetRatio ? "met" : "NOT met")})"));
        PrintBreakdown(bodies, schemas, options);
        return new ProcessingResult(processingRate, baselineRate, processingBytes / (double)events, baselineBytes / (double)events, averageSize);
    }

    // Where the time goes: each step alone, over the previous step's output, as a share of one event's cost.
    private static void PrintBreakdown(byte[][] bodies, SchemaRegistry schemas, PipelineOptions options)
    {
        var parser = new EnvelopeParser();
        var pseudonymizer = new Pseudonymizer(new byte[32], "k1");
        var schema = schemas.Resolve("intake.lead.created", null).Schema!;
        var enricher = new EventEnricher(options, pseudonymizer, GeoSource.None);
        var parsed = new PipelineEvent[bodies.Length];
        var steps = new (string Name, Action<int> Work)[]
        {
            ("envelope (CloudNative.CloudEvents)", i => parsed[i] = parser.Parse(bodies[i], DateTimeOffset.UnixEpoch).Event!),
            ("schema validation (NJsonSchema)", i => SchemaValidator.Validate(schema, parsed[i].DataJson)),
            ("normalization", i => EventNormalizer.Normalize(parsed[i], schema, options.RegionFor(parsed[i].Tenant), new NormalizedFields())),
            ("enrichment (reference lookups apart)", i => enricher.Enrich(parsed[i], schema)),
            ("pseudonymization (HMAC-SHA256)", i => pseudonymizer.Pseudonymize(parsed[i], schema)),
        };
        Console.WriteLine("  breakdown, one step at a time:");
        foreach (var (name, work) in steps)
        {
            var (rate, bytes) = Measure(work, bodies.Length);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {name,-36} {1_000_000 / rate,8:N2} us/event  {bytes / (double)bodies.Length,8:N0} bytes/event"));
        }
    }

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
