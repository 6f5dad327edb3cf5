using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Events;

namespace Serverless.CrashTarget;

/// <summary>What the child process is to do; written by the test as JSON.</summary>
public sealed class CrashJob
{
    public static readonly JsonSerializerOptions Json = new() { PreferredObjectCreationHandling = JsonObjectCreationHandling.Populate };

    public required PipelineOptions Options { get; init; }
    public required DateTimeOffset Now { get; init; }
    public required IReadOnlyList<CrashJobEvent> Events { get; init; }
    /// <summary>Storage requests whose URL or body mention all of these are held back for good.</summary>
    public required IReadOnlyList<string> HoldRequestsMentioning { get; init; }

    public IReadOnlyList<IncomingEvent> ToBatch() =>
        Events.Select(e => new IncomingEvent(e.Body, new StreamPosition(e.Partition, e.Sequence), e.Enqueued)).ToList();
}

public sealed record CrashJobEvent(byte[] Body, string Partition, long Sequence, DateTimeOffset Enqueued);
