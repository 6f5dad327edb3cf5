using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using CloudNative.CloudEvents.SystemTextJson;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Normalization;
using Serverless.Pipeline.Validation;

namespace Serverless.Benchmarks;

/// <summary>
/// Finer than the breakdown: the library calls inside each step, each alone over the same events, to show where a
/// step's time goes (<c>processing --profile</c>). Figures are per event; they do not add up exactly to the steps,
/// since each runs on its own, warm, without the others' cache effects.
/// </summary>
internal static class ProcessingProfile
{
    public static async Task RunAsync(int events)
    {
        var bodies = SyntheticEvents.Create(events);
        var schemas = await SchemaRegistry.LoadAsync(null, CancellationToken.None);
        var schema = schemas.Resolve("intake.lead.created", null).Schema!;
        var parser = new EnvelopeParser();
        var formatter = new JsonEventFormatter();
        var contentType = new System.Net.Mime.ContentType("application/cloudevents+json");
        var pseudonymizer = new Pseudonymizer(new byte[32], "k1");
        var parsed = bodies.Select(b => parser.Parse(b, DateTimeOffset.UnixEpoch).Event!).ToArray();
        var normalized = bodies.Select(b => parser.Parse(b, DateTimeOffset.UnixEpoch).Event!).ToArray();
        foreach (var e in normalized)
        {
            EventNormalizer.Normalize(e, schema, "US", new NormalizedFields());
        }

        var phones = parsed.Select(e => e.Data["contact"]!["phone"]!.GetValue<string>()).ToArray();
        var emails = parsed.Select(e => e.Data["contact"]!["email"]!.GetValue<string>()).ToArray();
        var pseudonymized = normalized.Select(e => pseudonymizer.Pseudonymize(e, schema)).ToArray();
        var piiValues = normalized.Select(e => e.Data["contact"]!["email"]!.GetValue<string>()).ToArray();

        var steps = new (string Name, Action<int> Work)[]
        {
            ("envelope: Utf8.IsValid", i => Utf8.IsValid(bodies[i])),
            ("envelope: JsonDocument.Parse alone", i => JsonDocument.Parse(bodies[i]).Dispose()),
            ("envelope: CloudEvents decode", i => formatter.DecodeStructuredModeMessage(bodies[i], contentType, EnvelopeParser.Extensions)),
            ("envelope: whole EnvelopeParser.Parse", i => parser.Parse(bodies[i], DateTimeOffset.UnixEpoch)),
            ("validation: Newtonsoft JToken.Parse alone", i => Newtonsoft.Json.Linq.JToken.Parse(parsed[i].DataJson)),
            ("validation: NJsonSchema Validate(string)", i => schema.Schema.Validate(parsed[i].DataJson)),
            ("normalization: JsonDocument.Parse + JsonObject.Create(data) + first access", i =>
            {
                using var document = JsonDocument.Parse(bodies[i]);
                _ = JsonObject.Create(document.RootElement.GetProperty("data"))!.Count;
            }),
            ("normalization: JsonNode.Parse(data) (materialized tree)", i => JsonNode.Parse(parsed[i].DataJson)),
            ("normalization: phone (libphonenumber parse+format)", i => PhoneNormalizer.TryNormalize(phones[i], "US", out _, out _)),
            ("normalization: email", i => EmailNormalizer.TryNormalize(emails[i], out _, out _)),
            ("normalization: timestamp x2", i =>
            {
                TimestampNormalizer.TryNormalize(JsonValue.Create("2026-11-20T14:03:11-05:00"), out _, out _);
                TimestampNormalizer.TryNormalize(JsonValue.Create("2026-11-20T14:02:58-05:00"), out _, out _);
            }),
            ("pseudonymization: DeepClone of data", i => normalized[i].Data.DeepClone()),
            ("pseudonymization: one JoinKey (HMAC + base64url)", i => pseudonymizer.JoinKey("acme-law", piiValues[i])),
            ("pseudonymization: whole Pseudonymize", i => pseudonymizer.Pseudonymize(normalized[i], schema)),
            ("activity row: pseudonymized ToJsonString", i => pseudonymized[i].ToJsonString()),
        };

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Profile of the processing stage's steps, one thread, {events:N0} events:"));
        foreach (var (name, work) in steps)
        {
            Measure(work, events);
            var (microseconds, bytes) = Measure(work, events);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-58} {microseconds,8:N2} us/event  {bytes,8:N0} bytes/event"));
        }
    }

    private static (double Microseconds, double Bytes) Measure(Action<int> work, int events)
    {
        GC.Collect();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < events; i++)
        {
            work(i);
        }

        clock.Stop();
        return (clock.Elapsed.TotalMicroseconds / events, (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)events);
    }
}
