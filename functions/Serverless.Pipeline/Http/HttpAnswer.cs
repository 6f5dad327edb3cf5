using System.Globalization;
using System.Text.Json;
using Serverless.Pipeline.Ingestion;
using Serverless.Pipeline.Privacy.Api;
using Serverless.Pipeline.Problems;

namespace Serverless.Pipeline.Http;

/// <summary>
/// What either host writes back: a status, a JSON body with its content type (<c>application/json</c> or
/// <c>application/problem+json</c>), and the headers that go with it (Retry-After, Location).
/// </summary>
public sealed record HttpAnswer(int Status, object Body, string ContentType = HttpAnswer.JsonContentType)
{
    public const string JsonContentType = "application/json";
    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Where a created resource can be read (the privacy API's 202 answers).</summary>
    public string? Location { get; init; }

    public static HttpAnswer Of(Problem problem, TimeSpan? retryAfter = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new HttpAnswer(problem.Status, problem, Problem.ContentType) { RetryAfter = retryAfter };
    }

    public static HttpAnswer From(IngestResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return new HttpAnswer(response.Status, response.Body, response.ContentType) { RetryAfter = response.RetryAfter };
    }

    public static HttpAnswer From(ApiResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return new HttpAnswer(response.Status, response.Body, response.ContentType) { Location = response.Location };
    }

    /// <summary>The response headers besides Content-Type, by name.</summary>
    public IEnumerable<KeyValuePair<string, string>> Headers()
    {
        if (RetryAfter is { } delay)
        {
            // Whole seconds, at least one, as HTTP's delay-seconds form requires.
            yield return new("Retry-After", Math.Max(1, (int)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        }

        if (Location is not null)
        {
            yield return new("Location", Location);
        }
    }

    public Task WriteBodyAsync(Stream destination, CancellationToken cancellationToken) =>
        JsonSerializer.SerializeAsync(destination, Body, Body.GetType(), SerializerOptions, cancellationToken);
}
