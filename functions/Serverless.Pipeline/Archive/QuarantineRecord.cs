using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Preparation;

namespace Serverless.Pipeline.Archive;

/// <summary>
/// One quarantined event: why (a typed reason and every violation), what could be read of it, where it was in the
/// stream, and the exact bytes that arrived, so that a replay can send it through the pipeline again.
/// </summary>
public sealed class QuarantineRecord
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [JsonConverter(typeof(JsonStringEnumConverter<RejectionReason>))]
    public required RejectionReason Reason { get; init; }

    public required IReadOnlyList<Violation> Violations { get; init; }
    public string? Tenant { get; init; }
    public string? EventId { get; init; }
    public string? EventType { get; init; }
    public string? Subject { get; init; }
    public required string StreamPartition { get; init; }
    public required long StreamSequence { get; init; }
    public required DateTimeOffset EnqueuedTime { get; init; }

    /// <summary>The body as text when it was valid UTF-8.</summary>
    public string? Body { get; init; }

    /// <summary>The body as base64 when it was not valid UTF-8.</summary>
    public string? BodyBase64 { get; init; }

    public static QuarantineRecord From(RejectedEvent rejected)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        var body = rejected.Incoming.Body;
        string? text = null;
        try
        {
            text = StrictUtf8.GetString(body.Span);
        }
        catch (DecoderFallbackException)
        {
            // Kept as base64 below: the exact bytes matter for a replay.
        }

        return new QuarantineRecord
        {
            Reason = rejected.Rejection.Reason,
            Violations = rejected.Rejection.Violations,
            Tenant = rejected.Event?.Tenant,
            EventId = rejected.Event?.Id,
            EventType = rejected.Event?.Type,
            Subject = rejected.Event?.Subject,
            StreamPartition = rejected.Incoming.Position.PartitionId,
            StreamSequence = rejected.Incoming.Position.SequenceNumber,
            EnqueuedTime = rejected.Incoming.EnqueuedTime,
            Body = text,
            BodyBase64 = text is null ? Convert.ToBase64String(body.Span) : null,
        };
    }

    /// <summary>The event as it first arrived, ready to go through the pipeline again.</summary>
    public IncomingEvent ToIncomingEvent() => new(
        Body is not null ? Encoding.UTF8.GetBytes(Body) : Convert.FromBase64String(BodyBase64 ?? string.Empty),
        new StreamPosition(StreamPartition, StreamSequence),
        EnqueuedTime);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(QuarantineRecord))]
internal sealed partial class QuarantineJsonContext : JsonSerializerContext;
