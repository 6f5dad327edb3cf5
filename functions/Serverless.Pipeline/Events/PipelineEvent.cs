using System.Text;
using System.Text.Json.Nodes;

namespace Serverless.Pipeline.Events;

/// <summary>
/// The canonical event: a CloudEvents 1.0 envelope with the <c>tenant</c> extension and a JSON object as data.
/// </summary>
public sealed class PipelineEvent
{
    private string? _dataJson;

    public required string Id { get; init; }
    public required string Source { get; init; }
    public required string Type { get; init; }
    public required string Subject { get; init; }
    public required string Tenant { get; init; }
    public required DateTimeOffset Time { get; init; }
    public string? DataSchema { get; init; }

    /// <summary>The data object as UTF-8 JSON, as it arrived (a slice of the event's body, not a copy).</summary>
    public required ReadOnlyMemory<byte> DataUtf8 { get; init; }

    /// <summary>The text of <see cref="DataUtf8"/>.</summary>
    public string DataJson => _dataJson ??= Encoding.UTF8.GetString(DataUtf8.Span);

    /// <summary>The W3C trace context the event was ingested in (the CloudEvents <c>traceparent</c> extension), if any.</summary>
    public string? TraceParent { get; init; }

    /// <summary>A new tree of the data as it arrived, for the paths that need one (a rejected event's identifiers).</summary>
    public JsonObject ParseData() => JsonNode.Parse(DataUtf8.Span)!.AsObject();
}
