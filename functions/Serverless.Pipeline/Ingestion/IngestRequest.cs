using Serverless.Pipeline.Problems;

namespace Serverless.Pipeline.Ingestion;

/// <summary>A webhook request as any host hands it over: headers by case-insensitive name, and the body as read.</summary>
/// <param name="BodyTooLarge">The host stopped reading past <see cref="IngestionLimits.MaxBodyBytes"/>.</param>
public sealed record IngestRequest(string Source, string? ContentType, IReadOnlyDictionary<string, string> Headers, ReadOnlyMemory<byte> Body, bool BodyTooLarge);

/// <summary>What to answer: a status, a JSON body (a <see cref="Problem"/> or an <see cref="IngestAccepted"/>) and its content type.</summary>
public sealed record IngestResponse(int Status, object Body, string ContentType, TimeSpan? RetryAfter = null)
{
    public static IngestResponse From(Problem problem, TimeSpan? retryAfter = null) => new(problem.Status, problem, Problem.ContentType, retryAfter);
}

/// <summary>The body of a 202 (or of a 200 for a replayed delivery).</summary>
public sealed record IngestAccepted(
    [property: System.Text.Json.Serialization.JsonPropertyName("accepted")] IReadOnlyList<string> Accepted,
    [property: System.Text.Json.Serialization.JsonPropertyName("rejected")] IReadOnlyList<EventError> Rejected,
    [property: System.Text.Json.Serialization.JsonPropertyName("replayed")] bool Replayed);
