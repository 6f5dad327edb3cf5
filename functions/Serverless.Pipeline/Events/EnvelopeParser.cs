using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using CloudNative.CloudEvents;

namespace Serverless.Pipeline.Events;

/// <summary>
/// Parses structured-mode CloudEvents 1.0 JSON with the <c>tenant</c> extension into a <see cref="PipelineEvent"/>,
/// or says precisely why it cannot.
/// </summary>
public sealed partial class EnvelopeParser
{
    public static readonly CloudEventAttribute TenantAttribute =
        CloudEventAttribute.CreateExtension("tenant", CloudEventAttributeType.String);

    /// <summary>The distributed-tracing extension: the trace the event was ingested in.</summary>
    public static readonly CloudEventAttribute TraceParentAttribute =
        CloudEventAttribute.CreateExtension(Telemetry.TraceParent.AttributeName, CloudEventAttributeType.String);

    private static readonly CloudEventAttribute[] ExtensionAttributes = [TenantAttribute, TraceParentAttribute];

    public static IReadOnlyList<CloudEventAttribute> Extensions => ExtensionAttributes;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex TenantPattern();

    public static bool IsValidTenant(string tenant) => TenantPattern().IsMatch(tenant);

    /// <param name="body">The structured-mode CloudEvent as UTF-8 JSON.</param>
    /// <param name="fallbackTime">The time to use when the event carries none (the time the stream accepted it).</param>
    public ParseOutcome Parse(ReadOnlyMemory<byte> body, DateTimeOffset fallbackTime)
    {
        if (!Utf8.IsValid(body.Span))
        {
            return ParseOutcome.Rejected(Rejection.Of(RejectionReason.MalformedEnvelope, "$", "encoding", "The event is not valid UTF-8."));
        }

        return EnvelopeReader.Read(body, fallbackTime);
    }

    /// <summary>The pipeline's rules over an event the CloudEvents SDK decoded (ingestion maps webhooks with it).</summary>
    public static ParseOutcome FromCloudEvent(CloudEvent cloudEvent, DateTimeOffset fallbackTime)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        if (!cloudEvent.IsValid)
        {
            var missing = cloudEvent.SpecVersion.RequiredAttributes
                .Where(a => cloudEvent[a] is null)
                .Select(a => new Violation("$." + a.Name, "required", $"The CloudEvents attribute '{a.Name}' is required."))
                .ToList();
            return ParseOutcome.Rejected(new Rejection(RejectionReason.MalformedEnvelope, missing));
        }

        var tenant = cloudEvent[TenantAttribute] as string;
        if (PipelineRules(tenant, cloudEvent.Subject, cloudEvent.DataContentType,
            cloudEvent.Data is JsonElement { ValueKind: JsonValueKind.Object }, out var subject) is { } rejection)
        {
            return ParseOutcome.Rejected(rejection);
        }

        var element = (JsonElement)cloudEvent.Data!;
        return ParseOutcome.Parsed(new PipelineEvent
        {
            Id = cloudEvent.Id!,
            Source = cloudEvent.Source!.OriginalString,
            Type = cloudEvent.Type!,
            Subject = subject,
            Tenant = tenant!,
            Time = (cloudEvent.Time ?? fallbackTime).ToUniversalTime(),
            DataSchema = cloudEvent.DataSchema?.OriginalString,
            DataUtf8 = System.Text.Encoding.UTF8.GetBytes(element.GetRawText()),
            TraceParent = cloudEvent[TraceParentAttribute] as string,
        });
    }

    /// <summary>
    /// The pipeline's own rules over a CloudEvent, in order: a valid tenant, a subject (trimmed), JSON data, an object.
    /// Null when the event meets them all.
    /// </summary>
    internal static Rejection? PipelineRules(string? tenant, string? subject, string? contentType, bool dataIsObject, out string trimmedSubject)
    {
        trimmedSubject = subject?.Trim() ?? string.Empty;
        if (string.IsNullOrWhiteSpace(tenant))
        {
            return Rejection.Of(RejectionReason.MissingTenant, "$.tenant", "required", "The 'tenant' extension attribute is required.");
        }

        if (!IsValidTenant(tenant))
        {
            return Rejection.Of(RejectionReason.InvalidTenant, "$.tenant", "pattern", "The tenant must be 1-63 characters of lower-case letters, digits and hyphens.");
        }

        if (trimmedSubject.Length == 0)
        {
            return Rejection.Of(RejectionReason.MissingSubject, "$.subject", "required", "The 'subject' attribute is required: it names the customer the event is about.");
        }

        if (contentType is not null && !IsJsonContentType(contentType))
        {
            return Rejection.Of(RejectionReason.UnsupportedDataContentType, "$.datacontenttype", "const", $"Data must be JSON; got '{contentType}'.");
        }

        return dataIsObject ? null : Rejection.Of(RejectionReason.DataNotObject, "$.data", "type", "Data must be a JSON object.");
    }

    internal static bool IsJsonContentType(string contentType)
    {
        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("text/json", StringComparison.OrdinalIgnoreCase);
    }
}
