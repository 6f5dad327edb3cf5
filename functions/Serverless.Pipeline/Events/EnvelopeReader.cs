using System.Globalization;
using System.Text.Json;

namespace Serverless.Pipeline.Events;

/// <summary>
/// Reads a structured-mode CloudEvents 1.0 JSON envelope in one forward pass with <see cref="Utf8JsonReader"/>: the
/// context attributes by name and type as the JSON format defines them, extension attributes (string, boolean or
/// integer values, names of lower-case letters and digits), and <c>data</c> or <c>data_base64</c>, whose value is only
/// located (its bytes are a slice of the body) and read later, once, by the event pass.
/// </summary>
internal static partial class EnvelopeReader
{
    private const string JsonMediaType = "application/json";

    public static ParseOutcome Read(ReadOnlyMemory<byte> body, DateTimeOffset fallbackTime)
    {
        // A UTF-8 byte order mark is allowed before the JSON text, as System.Text.Json's documents allow it.
        if (body.Span.StartsWith(Utf8ByteOrderMark))
        {
            body = body[Utf8ByteOrderMark.Length..];
        }

        var span = body.Span;
        var fields = new Fields();
        try
        {
            var reader = new Utf8JsonReader(span, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Malformed("$", "cloudevents", "A structured-mode CloudEvent must be a JSON object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (ReadAttribute(ref reader, ref fields) is { } rejection)
                {
                    return ParseOutcome.Rejected(rejection);
                }
            }

            if (reader.Read())
            {
                return Malformed("$", "cloudevents", "The event has content after its JSON object.");
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string escapes a lone surrogate (\ud800), which is no text.
            return Malformed("$", "cloudevents", ex.Message);
        }

        return Complete(body, fields, fallbackTime);
    }

    private static Rejection? ReadAttribute(ref Utf8JsonReader reader, ref Fields fields)
    {
        var name = reader.ValueIsEscaped ? reader.GetString()! : null;
        var attribute = name is null ? Known(ref reader) : KnownName(name);
        name ??= attribute == Attribute.Extension ? reader.GetString()! : null;
        if (attribute == Attribute.Extension)
        {
            if (!(fields.Extensions ??= new HashSet<string>(StringComparer.Ordinal)).Add(name!))
            {
                return Duplicate(name!);
            }
        }
        else if ((fields.Seen & (1 << (int)attribute)) != 0)
        {
            return Duplicate(AttributeNames[(int)attribute]);
        }
        else
        {
            fields.Seen |= 1 << (int)attribute;
        }

        reader.Read();
        var token = reader.TokenType;
        switch (attribute)
        {
            case Attribute.Data:
                fields.DataStart = (int)reader.TokenStartIndex;
                fields.DataToken = token;
                reader.Skip();
                fields.DataEnd = (int)reader.BytesConsumed;
                return null;
            case Attribute.DataBase64:
                if (token == JsonTokenType.Null)
                {
                    return null;
                }

                if (token != JsonTokenType.String || !reader.TryGetBytesFromBase64(out _))
                {
                    return MalformedRejection("$.data_base64", "cloudevents", "'data_base64' must be a base64 string.");
                }

                fields.HasDataBase64 = true;
                return null;
            case Attribute.SpecVersion:
                if (token != JsonTokenType.String)
                {
                    return MalformedRejection("$.specversion", "cloudevents", "The content does not represent a CloudEvent: 'specversion' must be a string.");
                }

                fields.SpecVersion = reader.GetString();
                return null;
            case Attribute.Tenant or Attribute.TraceParent:
                return ReadExtension(ref reader, AttributeNames[(int)attribute], ref fields);
            case Attribute.Extension:
                return ReadExtension(ref reader, name!, ref fields);
            default:
                if (token == JsonTokenType.Null)
                {
                    return null;
                }

                if (token != JsonTokenType.String)
                {
                    return MalformedRejection("$." + AttributeNames[(int)attribute], "type", $"The CloudEvents attribute '{AttributeNames[(int)attribute]}' must be a string.");
                }

                if (attribute == Attribute.Time)
                {
                    // Read from the bytes when it can be: no string for a value that is only parsed.
                    if (!(reader.ValueIsEscaped ? Rfc3339.TryParse(reader.GetString()!, out var time) : Rfc3339.TryParse(reader.ValueSpan, out time)))
                    {
                        return MalformedRejection("$.time", "cloudevents", "Value for attribute 'time' is invalid: Not an RFC 3339 timestamp.");
                    }

                    fields.Time = time;
                    return null;
                }

                return SetContextAttribute(attribute, attribute switch
                {
                    Attribute.Source => RecentStrings.Get(ref reader, RecentStrings.Source),
                    Attribute.Type => RecentStrings.Get(ref reader, RecentStrings.Type),
                    _ => reader.GetString()!,
                }, ref fields);
        }
    }

    private static Rejection? ReadExtension(ref Utf8JsonReader reader, string name, ref Fields fields)
    {
        // The pipeline's own extensions are String-typed, and the JSON format writes a String as a JSON string.
        if (name is "tenant" or "traceparent" && reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
        {
            return MalformedRejection("$." + name, "type", $"The extension attribute '{name}' must be a string.");
        }

        string? value;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                value = name == "tenant" ? RecentStrings.Get(ref reader, RecentStrings.Tenant) : reader.GetString()!;
                break;
            case JsonTokenType.True:
                value = "true";
                break;
            case JsonTokenType.False:
                value = "false";
                break;
            case JsonTokenType.Number when reader.TryGetInt32(out var number):
                value = number.ToString(CultureInfo.InvariantCulture);
                break;
            case JsonTokenType.Number:
                return MalformedRejection("$." + name, "type", $"The extension attribute '{name}' must be a 32-bit integer when it is a number.");
            default:
                return MalformedRejection("$." + name, "type", $"The extension attribute '{name}' must be a string, a boolean or an integer.");
        }

        // An attribute whose value is null is absent, so only a present one needs a valid name.
        if (!CloudEventsText.IsAttributeName(name))
        {
            return MalformedRejection("$", "cloudevents", $"'{name}' is not a CloudEvents attribute name: lower-case letters and digits only.");
        }

        if (CloudEventsText.StringProblem(value) is { } problem)
        {
            return MalformedRejection("$." + name, "cloudevents", $"Value for attribute '{name}' is invalid: {problem}");
        }

        if (name == "tenant")
        {
            fields.Tenant = value;
        }
        else if (name == "traceparent")
        {
            fields.TraceParent = value;
        }

        return null;
    }

    private static Rejection? SetContextAttribute(Attribute attribute, string value, ref Fields fields)
    {
        var name = AttributeNames[(int)attribute];
        var problem = attribute switch
        {
            Attribute.Source => Uri.TryCreate(value, UriKind.RelativeOrAbsolute, out _)
                ? value.Length == 0 ? "CloudEvents 1.0 requires a non-empty URI-reference." : null
                : "Not a URI-reference.",
            Attribute.DataSchema => Uri.TryCreate(value, UriKind.Absolute, out _) && !value.StartsWith('/') ? null : "Not an absolute URI.",
            _ => CloudEventsText.StringProblem(value) ?? (value.Length == 0 && attribute is Attribute.Id or Attribute.Type or Attribute.Subject ? "Value must be non-empty." : null),
        };
        if (problem is null && attribute == Attribute.DataContentType && !CloudEventsText.IsMediaType(value))
        {
            problem = "Not an RFC 2046 content type.";
        }

        if (problem is not null)
        {
            return MalformedRejection("$." + name, "cloudevents", $"Value for attribute '{name}' is invalid: {problem}");
        }

        switch (attribute)
        {
            case Attribute.Id: fields.Id = value; break;
            case Attribute.Source: fields.Source = value; break;
            case Attribute.Type: fields.Type = value; break;
            case Attribute.Subject: fields.Subject = value; break;
            case Attribute.DataContentType: fields.DataContentType = value; break;
            case Attribute.DataSchema: fields.DataSchema = value; break;
        }

        return null;
    }

    // The event as a whole: required attributes, then the pipeline's own rules in the order EnvelopeParser applies them.
    private static ParseOutcome Complete(ReadOnlyMemory<byte> body, Fields fields, DateTimeOffset fallbackTime)
    {
        if (fields.SpecVersion is null)
        {
            return Malformed("$.specversion", "cloudevents", "The content does not represent a CloudEvent: 'specversion' is missing.");
        }

        if (fields.SpecVersion != "1.0")
        {
            return Malformed("$.specversion", "cloudevents", $"Unsupported CloudEvents spec version '{fields.SpecVersion}'.");
        }

        var hasData = fields.DataToken is not JsonTokenType.None and not JsonTokenType.Null;
        if (hasData && fields.HasDataBase64)
        {
            return Malformed("$", "cloudevents", "Structured mode content cannot contain both 'data' and 'data_base64' properties.");
        }

        var contentType = fields.DataContentType ?? (hasData ? JsonMediaType : null);
        if (hasData && !CloudEventsText.IsJsonByCloudEvents(contentType!) && fields.DataToken != JsonTokenType.String)
        {
            return Malformed("$.data", "cloudevents", "CloudEvents with a non-JSON datacontenttype can only have string data values.");
        }

        var missing = new List<Violation>(3);
        AddIfMissing(missing, fields.Id, "id");
        AddIfMissing(missing, fields.Source, "source");
        AddIfMissing(missing, fields.Type, "type");
        if (missing.Count > 0)
        {
            return ParseOutcome.Rejected(new Rejection(RejectionReason.MalformedEnvelope, missing));
        }

        if (EnvelopeParser.PipelineRules(fields.Tenant, fields.Subject, contentType,
            fields.DataToken == JsonTokenType.StartObject && !fields.HasDataBase64, out var subject) is { } rejection)
        {
            return ParseOutcome.Rejected(rejection);
        }

        return ParseOutcome.Parsed(new PipelineEvent
        {
            Id = fields.Id!,
            Source = fields.Source!,
            Type = fields.Type!,
            Subject = subject,
            Tenant = fields.Tenant!,
            Time = (fields.Time ?? fallbackTime).ToUniversalTime(),
            DataSchema = fields.DataSchema,
            DataUtf8 = body[fields.DataStart..fields.DataEnd],
            TraceParent = fields.TraceParent,
        });
    }

    private static void AddIfMissing(List<Violation> missing, string? value, string name)
    {
        if (value is null)
        {
            missing.Add(new Violation("$." + name, "required", $"The CloudEvents attribute '{name}' is required."));
        }
    }

    private static ParseOutcome Malformed(string path, string keyword, string message) =>
        ParseOutcome.Rejected(MalformedRejection(path, keyword, message));

    private static Rejection MalformedRejection(string path, string keyword, string message) =>
        Rejection.Of(RejectionReason.MalformedEnvelope, path, keyword, message);

    private static Rejection Duplicate(string name) =>
        MalformedRejection("$." + name, "cloudevents", $"The attribute '{name}' appears twice: a JSON object's names must be unique.");

    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];
}
