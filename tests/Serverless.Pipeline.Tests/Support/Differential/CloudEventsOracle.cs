using System.Globalization;
using System.Net.Mime;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Serverless.Pipeline.Events;

namespace Serverless.Pipeline.Tests.Support.Differential;

/// <summary>The fields of an accepted event that the envelope comparison checks, as comparable text.</summary>
internal sealed record EnvelopeFields(
    string Id, string Source, string Type, string Subject, string Tenant, string Time, string? DataSchema, string? TraceParent, string Data)
{
    public static EnvelopeFields Of(PipelineEvent parsed, string data) => new(
        parsed.Id, parsed.Source, parsed.Type, parsed.Subject, parsed.Tenant,
        parsed.Time.ToString("O", CultureInfo.InvariantCulture), parsed.DataSchema, parsed.TraceParent, data);

    /// <summary>The names of the fields that differ; the data compared as JSON (see <see cref="JsonText.SameJson"/>).</summary>
    public IReadOnlyList<string> Differences(EnvelopeFields other)
    {
        var differences = new List<string>();
        void Check(string name, string? a, string? b)
        {
            if (!string.Equals(a, b, StringComparison.Ordinal))
            {
                differences.Add(name);
            }
        }

        Check(nameof(Id), Id, other.Id);
        Check(nameof(Source), Source, other.Source);
        Check(nameof(Type), Type, other.Type);
        Check(nameof(Subject), Subject, other.Subject);
        Check(nameof(Tenant), Tenant, other.Tenant);
        Check(nameof(Time), Time, other.Time);
        Check(nameof(DataSchema), DataSchema, other.DataSchema);
        Check(nameof(TraceParent), TraceParent, other.TraceParent);
        if (!SameData(Data, other.Data))
        {
            differences.Add(nameof(Data));
        }

        return differences;
    }

    private static bool SameData(string a, string b)
    {
        try
        {
            using var left = JsonDocument.Parse(a);
            using var right = JsonDocument.Parse(b);
            return JsonText.SameJson(left.RootElement, right.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

/// <summary>Accepted (with its fields) or rejected (with its reason): what the envelope comparison looks at.</summary>
internal sealed record EnvelopeVerdict(EnvelopeFields? Accepted, RejectionReason? Reason, string Detail)
{
    public static EnvelopeVerdict Of(ParseOutcome outcome, Func<PipelineEvent, string> data) =>
        outcome.Event is { } parsed
            ? new EnvelopeVerdict(EnvelopeFields.Of(parsed, data(parsed)), null, string.Empty)
            : new EnvelopeVerdict(null, outcome.Rejection!.Reason, string.Join("; ", outcome.Rejection.Violations.Select(v => $"{v.Path} {v.Keyword}: {v.Message}")));

    public override string ToString() => Accepted is { } fields
        ? $"accepted {fields}"
        : $"rejected {Reason} ({Detail})";
}

/// <summary>
/// The reference for envelope parsing: exactly what <c>EnvelopeParser.Parse</c> did before the compiled plan, copied
/// here because the library's Parse is being replaced. Invalid UTF-8 is refused first; CloudNative.CloudEvents 2.9.0's
/// <see cref="JsonEventFormatter"/> decodes the structured-mode body (any exception: MalformedEnvelope); then the
/// pipeline's own rules (<see cref="EnvelopeParser.FromCloudEvent"/>, which stays) make the event or the rejection.
/// </summary>
internal static class CloudEventsOracle
{
    private static readonly ContentType StructuredJson = new("application/cloudevents+json");

    public static EnvelopeVerdict Parse(ReadOnlyMemory<byte> body, DateTimeOffset fallbackTime)
    {
        if (!Utf8.IsValid(body.Span))
        {
            return new EnvelopeVerdict(null, RejectionReason.MalformedEnvelope, "The event is not valid UTF-8.");
        }

        CloudEvent cloudEvent;
        try
        {
            cloudEvent = new JsonEventFormatter().DecodeStructuredModeMessage(body, StructuredJson, EnvelopeParser.Extensions);
        }
        catch (Exception ex)
        {
            return new EnvelopeVerdict(null, RejectionReason.MalformedEnvelope, ex.GetType().Name + ": " + ex.Message);
        }

        // The data as the formatter kept it: FromCloudEvent accepts only a JSON object, whose text is the event's data.
        return EnvelopeVerdict.Of(EnvelopeParser.FromCloudEvent(cloudEvent, fallbackTime),
            _ => ((JsonElement)cloudEvent.Data!).GetRawText());
    }

    /// <summary>The same view of the parser under test.</summary>
    public static EnvelopeVerdict Subject(EnvelopeParser parser, ReadOnlyMemory<byte> body, DateTimeOffset fallbackTime)
    {
        try
        {
            return EnvelopeVerdict.Of(parser.Parse(body, fallbackTime), parsed => Encoding.UTF8.GetString(parsed.DataUtf8.Span));
        }
        catch (Exception ex)
        {
            return new EnvelopeVerdict(null, null, "THREW " + ex.GetType().Name + ": " + ex.Message);
        }
    }
}
