using System.Text.Json.Serialization;

namespace Serverless.Pipeline.Problems;

/// <summary>An RFC 9457 problem details document.</summary>
public sealed class Problem
{
    public const string ContentType = "application/problem+json";

    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("title")]
    public required string Title { get; init; }

    [JsonPropertyName("status")]
    public required int Status { get; init; }

    [JsonPropertyName("detail")]
    public string? Detail { get; init; }

    [JsonPropertyName("instance")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Instance { get; init; }

    /// <summary>Per-event errors of a batch, by index.</summary>
    [JsonPropertyName("errors")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<EventError>? Errors { get; init; }

    public static Problem Of(int status, string slug, string title, string detail) => new()
    {
        Type = "urn:serverless-pipeline:problem:" + slug,
        Title = title,
        Status = status,
        Detail = detail,
    };
}

/// <summary>Why one event of a request was refused.</summary>
public sealed record EventError(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("errors")] IReadOnlyList<string> Errors);
