using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Mime;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Normalization;
using Serverless.Pipeline.Problems;
using Serverless.Pipeline.Telemetry;

namespace Serverless.Pipeline.Ingestion;

/// <summary>
/// Turns a verified request body into structured-mode CloudEvents: JSON and form bodies through the source's mapping
/// (the whole body becomes <c>data</c>), CloudEvents as they are (structured or batch), each checked as an envelope.
/// Each event carries the current trace as its <c>traceparent</c> extension attribute.
/// </summary>
public sealed class EventMapper
{
    public const string JsonMediaType = "application/json";
    public const string FormMediaType = "application/x-www-form-urlencoded";
    public const string CloudEventMediaType = "application/cloudevents+json";
    public const string CloudEventBatchMediaType = "application/cloudevents-batch+json";

    // A duplicate key makes a document ambiguous (RFC 8259 leaves its meaning to the parser; I-JSON forbids it), so
    // the body is malformed. A batch is parsed allowing them at first, so that only the event holding one is rejected.
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = IngestionLimits.MaxJsonDepth, AllowDuplicateProperties = false };
    private static readonly JsonDocumentOptions BatchOptions = DocumentOptions with { AllowDuplicateProperties = true };
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);
    private readonly JsonEventFormatter _formatter = new(new JsonSerializerOptions(), DocumentOptions);

    /// <summary>The media types a source of this format accepts; null for a format this version does not know.</summary>
    public static IReadOnlyList<string>? MediaTypesFor(SourceFormat format) => format switch
    {
        SourceFormat.Json => [JsonMediaType],
        SourceFormat.Form => [FormMediaType],
        SourceFormat.CloudEvents => [CloudEventMediaType, CloudEventBatchMediaType],
        _ => null,
    };

    public MappingResult Map(ConfiguredSource source, string mediaType, ReadOnlyMemory<byte> body, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(mediaType);

        // System.Text.Json checks UTF-8 only in the strings it decodes; check every byte before anything reads them.
        if (!Utf8.IsValid(body.Span))
        {
            return MappingResult.Fail(Malformed("The body is not valid UTF-8."));
        }

        return mediaType switch
        {
            JsonMediaType => MapObject(source, ParseObject(body, out var problem), problem, receivedAt),
            FormMediaType => MapObject(source, ParseForm(body, out var problem), problem, receivedAt),
            CloudEventMediaType => MapCloudEvents(source, body, batch: false, receivedAt),
            CloudEventBatchMediaType => MapCloudEvents(source, body, batch: true, receivedAt),
            _ => throw new ArgumentException($"Media type '{mediaType}' is not one a source accepts (see {nameof(MediaTypesFor)}).", nameof(mediaType)),
        };
    }

    private static JsonObject? ParseObject(ReadOnlyMemory<byte> body, out Problem? problem)
    {
        problem = null;
        try
        {
            if (JsonNode.Parse(body.Span, documentOptions: DocumentOptions) is JsonObject obj)
            {
                return obj;
            }

            problem = Malformed("The body must be a JSON object.");
        }
        catch (JsonException ex)
        {
            problem = Malformed(NotValidJson + ex.Message);
        }

        return null;
    }

    private static JsonObject? ParseForm(ReadOnlyMemory<byte> body, out Problem? problem)
    {
        problem = null;
        string text;
        try
        {
            text = StrictUtf8.GetString(body.Span);
        }
        catch (DecoderFallbackException)
        {
            problem = Malformed("The form body is not valid UTF-8.");
            return null;
        }

        var form = new JsonObject();
        foreach (var pair in text.TrimEnd('\r', '\n').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = WebUtility.UrlDecode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : WebUtility.UrlDecode(pair[(equals + 1)..]);
            if (name.Length == 0 || name.Any(char.IsControl))
            {
                problem = Malformed("The form has a field with an empty or unprintable name.");
                return null;
            }

            form[name] = value; // A repeated field keeps its last value, as most form tools send one.
        }

        if (form.Count == 0)
        {
            problem = Malformed("The form has no fields.");
            return null;
        }

        return form;
    }

    private static MappingResult MapObject(ConfiguredSource source, JsonObject? body, Problem? problem, DateTimeOffset receivedAt)
    {
        if (body is null)
        {
            return MappingResult.Fail(problem!);
        }

        var mapping = source.Options.Mapping;
        var errors = new List<string>();
        var id = Scalar(body, mapping.IdPath);
        if (string.IsNullOrWhiteSpace(id))
        {
            errors.Add($"The event id is missing: no value at '{mapping.IdPath}'.");
        }

        var type = mapping.Type;
        if (string.IsNullOrEmpty(type))
        {
            var typeValue = mapping.TypePath is null ? null : Scalar(body, mapping.TypePath);
            type = string.IsNullOrWhiteSpace(typeValue) ? null : mapping.TypePrefix + typeValue;
            if (type is null)
            {
                errors.Add($"The event type is missing: no value at '{mapping.TypePath}'.");
            }
        }

        var subjectValue = Scalar(body, mapping.SubjectPath);
        if (string.IsNullOrWhiteSpace(subjectValue))
        {
            errors.Add($"The customer is missing: no value at '{mapping.SubjectPath}'.");
        }

        var time = receivedAt;
        if (mapping.TimePath is not null && Find(body, mapping.TimePath) is JsonValue timeValue)
        {
            if (TimestampNormalizer.TryNormalize(timeValue, out var normalized, out _))
            {
                time = DateTimeOffset.Parse(normalized, CultureInfo.InvariantCulture);
            }
            else
            {
                errors.Add($"The event time at '{mapping.TimePath}' is not an ISO-8601 timestamp or epoch seconds.");
            }
        }

        var result = new MappingResult();
        if (errors.Count > 0)
        {
            result.Errors.Add(new EventError(0, id, errors));
            return result;
        }

        var subject = mapping.SubjectPrefix + subjectValue!.Trim();
        var tenant = source.Options.Tenant;
        var output = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString("specversion", "1.0");
            writer.WriteString("id", id);
            writer.WriteString("source", source.EventSource);
            writer.WriteString("type", type);
            writer.WriteString("subject", subject);
            writer.WriteString("time", TimestampNormalizer.Format(time));
            writer.WriteString("tenant", tenant);
            if (TraceParent.OfCurrentActivity() is { } traceParent)
            {
                writer.WriteString(TraceParent.AttributeName, traceParent);
            }

            writer.WriteString("datacontenttype", JsonMediaType);
            writer.WritePropertyName("data");
            body.WriteTo(writer);
            writer.WriteEndObject();
        }

        result.Events.Add(new MappedEvent(id!, MappedEvent.PartitionKeyFor(tenant, subject), output.WrittenSpan.ToArray()));
        return result;
    }

    private MappingResult MapCloudEvents(ConfiguredSource source, ReadOnlyMemory<byte> body, bool batch, DateTimeOffset receivedAt)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, batch ? BatchOptions : DocumentOptions);
        }
        catch (JsonException ex)
        {
            return MappingResult.Fail(Malformed(NotValidJson + ex.Message));
        }

        using (document)
        {
            var root = document.RootElement;
            if (batch && root.ValueKind != JsonValueKind.Array)
            {
                return MappingResult.Fail(Malformed("A CloudEvents batch must be a JSON array."));
            }

            if (!batch && root.ValueKind != JsonValueKind.Object)
            {
                return MappingResult.Fail(Malformed("A structured CloudEvent must be a JSON object."));
            }

            var elements = batch ? root.EnumerateArray().ToList() : [root];
            if (elements.Count > IngestionLimits.MaxEventsPerRequest)
            {
                return MappingResult.Fail(Problem.Of(413, "too-many-events", "Too many events",
                    $"A batch may hold at most {IngestionLimits.MaxEventsPerRequest} events; this one holds {elements.Count}."));
            }

            var result = new MappingResult();
            for (var index = 0; index < elements.Count; index++)
            {
                MapCloudEvent(source, elements[index], index, receivedAt, result);
            }

            return result;
        }
    }

    private void MapCloudEvent(ConfiguredSource source, JsonElement element, int index, DateTimeOffset receivedAt, MappingResult result)
    {
        var id = element.ValueKind == JsonValueKind.Object && element.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String
            ? idElement.GetString()
            : null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            result.Errors.Add(new EventError(index, null, ["Each event must be a JSON object."]));
            return;
        }

        CloudEvent cloudEvent;
        try
        {
            cloudEvent = _formatter.DecodeStructuredModeMessage(Encoding.UTF8.GetBytes(element.GetRawText()), new ContentType(CloudEventMediaType), EnvelopeParser.Extensions);
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException or FormatException or InvalidOperationException)
        {
            result.Errors.Add(new EventError(index, id, [ex.Message]));
            return;
        }

        var tenant = source.Options.Tenant;
        if (cloudEvent[EnvelopeParser.TenantAttribute] is string given && given != tenant)
        {
            result.Errors.Add(new EventError(index, id, [$"The tenant '{given}' is not this source's tenant."]));
            return;
        }

        if (cloudEvent.IsValid)
        {
            cloudEvent[EnvelopeParser.TenantAttribute] = tenant;
        }

        // The trace this request is ingested in replaces any the sender set: processing links back to ingestion.
        if (TraceParent.OfCurrentActivity() is { } traceParent)
        {
            cloudEvent[EnvelopeParser.TraceParentAttribute] = traceParent;
        }

        var envelope = EnvelopeParser.FromCloudEvent(cloudEvent, receivedAt);
        if (envelope.Event is not { } parsed)
        {
            result.Errors.Add(new EventError(index, id, envelope.Rejection!.Violations.Select(v => v.Path + ": " + v.Message).ToList()));
            return;
        }

        var encoded = _formatter.EncodeStructuredModeMessage(cloudEvent, out _);
        result.Events.Add(new MappedEvent(parsed.Id, MappedEvent.PartitionKeyFor(parsed.Tenant, parsed.Subject), encoded.ToArray()));
    }

    private static JsonNode? Find(JsonObject body, string path)
    {
        JsonNode? node = body;
        foreach (var segment in path.Split('.'))
        {
            node = node is JsonObject obj && obj.TryGetPropertyValue(segment, out var child) ? child : null;
        }

        return node;
    }

    private static string? Scalar(JsonObject body, string path) => Find(body, path) switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value when value.GetValueKind() == JsonValueKind.Number => value.ToJsonString(),
        _ => null,
    };

    private const string NotValidJson = "The body is not valid UTF-8 JSON (or repeats a key in an object, or is nested deeper than 64 levels): ";

    private static Problem Malformed(string detail) => Problem.Of(400, "malformed-body", "Malformed body", detail);
}
