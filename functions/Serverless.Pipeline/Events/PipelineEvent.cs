using System.Text.Json.Nodes;

namespace Serverless.Pipeline.Events;

/// <summary>
/// The canonical event: a CloudEvents 1.0 envelope with the <c>tenant</c> extension and a JSON object as data.
/// </summary>
public sealed class PipelineEvent
{
    public required string Id { get; init; }
    public required string Source { get; init; }
    public required string Type { get; init; }
    public required string Subject { get; init; }
    public required string Tenant { get; init; }
    public required DateTimeOffset Time { get; init; }
    public string? DataSchema { get; init; }
    public required JsonObject Data { get; init; }

    /// <summary>The raw text of <see cref="Data"/> as it arrived, before normalization.</summary>
    public required string DataJson { get; init; }

    /// <summary>The W3C trace context the event was ingested in (the CloudEvents <c>traceparent</c> extension), if any.</summary>
    public string? TraceParent { get; init; }
}
