using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using CloudNative.CloudEvents.SystemTextJson;
using Serverless.Pipeline.Enrichment;
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
        var data = parsed.Select(e => e.ParseData()).ToArray();
        var phones = data.Select(d => d["contact"]!["phone"]!.GetValue<string>()).ToArray();
        var emails = data.Select(d => d["contact"]!["email"]!.GetValue<string>()).ToArray();
        var agents = data.Select(d => d["client"]!["user_agent"]!.GetValue<string>()).ToArray();
        var pages = data.Select(d => d["marketing"]!["landing_page"]!.GetValue<string>()).ToArray();
        var util = PhoneNumbers.PhoneNumberUtil.GetInstance();

        (string Name, Action<int> Work)[] steps =
        [
            ("envelope: Utf8.IsValid", i => Utf8.IsValid(bodies[i])),
            ("envelope: JsonDocument.Parse alone (for scale)", i => JsonDocument.Parse(bodies[i]).Dispose()),
            ("envelope: CloudNative.CloudEvents decode (for scale)", i => formatter.DecodeStructuredModeMessage(bodies[i], contentType, EnvelopeParser.Extensions)),
            ("envelope: EnvelopeParser.Parse (Utf8JsonReader)", i => parser.Parse(bodies[i], DateTimeOffset.UnixEpoch)),
            ("validation: compiled schema over the data bytes", i => schema.Compiled.Validate(parsed[i].DataUtf8.Span)),
            ("normalization: phone, libphonenumber uncached", i => util.Format(util.Parse(phones[i], "US"), PhoneNumbers.PhoneNumberFormat.E164)),
            ("normalization: phone, through the bounded cache", i => PhoneNormalizer.TryNormalize(phones[i], "US", out _, out _)),
            ("normalization: email", i => EmailNormalizer.TryNormalize(emails[i], out _, out _)),
            ("normalization: timestamp", i => TimestampNormalizer.TryNormalize("2026-11-20T14:03:11-05:00", out _, out _)),
            ("pseudonymization: one JoinKey (HMAC + base64url)", i => pseudonymizer.JoinKey("acme-law", emails[i])),
            ("enrichment: user agent", i => UserAgentEnrichment.Enrich(agents[i], new EnrichmentEntry("client.user_agent", "userAgent"))),
            ("enrichment: page URL", i => PageUrlEnrichment.Enrich(pages[i], new EnrichmentEntry("marketing.landing_page", "pageUrl"), value => value)),
        ];

        var options = new Serverless.Pipeline.Configuration.PipelineOptions { PseudonymizationKey = Convert.ToBase64String(new byte[32]) };
        var preparer = new Serverless.Pipeline.Preparation.EventPreparer(schemas, pseudonymizer, options);
        var views = SyntheticEvents.CreateMix(events).Where(b => System.Text.Encoding.UTF8.GetString(b).Contains("page_viewed", StringComparison.Ordinal))
            .Select((b, i) => new IncomingEvent(b, new StreamPosition("0", i), DateTimeOffset.UnixEpoch)).ToArray();
        var viewSchema = schemas.Resolve("com.example.portal.page_viewed", null).Schema!;
        var viewData = views.Select(v => parser.Parse(v.Body, DateTimeOffset.UnixEpoch).Event!).ToArray();
        var leadIncoming = bodies.Select((b, i) => new IncomingEvent(b, new StreamPosition("0", i), DateTimeOffset.UnixEpoch)).ToArray();
        steps =
        [
            .. steps,
            ("page view: envelope", i => parser.Parse(views[i % views.Length].Body, DateTimeOffset.UnixEpoch)),
            ("page view: validation alone", i => viewSchema.Compiled.Validate(viewData[i % views.Length].DataUtf8.Span)),
            ("page view: whole preparation", i => preparer.Prepare(views[i % views.Length])),
            ("lead: whole preparation", i => preparer.Prepare(leadIncoming[i])),
        ];

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Profile of the processing stage's steps, one thread, {events:N0} lead events:"));
        foreach (var (name, work) in steps)
        {
            for (var warm = Stopwatch.StartNew(); warm.Elapsed < TimeSpan.FromSeconds(1);)
            {
                Measure(work, events);
            }

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
