using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Serverless.Pipeline.Ingestion;
using Serverless.Pipeline.Privacy.Api;

namespace Serverless.Functions.Http;

/// <summary>
/// A status, a JSON body with its content type (<c>application/json</c> or <c>application/problem+json</c>), an
/// optional Retry-After and an optional Location, written straight to the response. It needs nothing from MVC but the
/// result interface.
/// </summary>
public sealed class JsonResponse : IActionResult
{
    private static readonly JsonSerializerOptions _serializerOptions = new(JsonSerializerDefaults.Web);

    public JsonResponse(int status, object body, string contentType, TimeSpan? retryAfter = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        Status = status;
        Body = body;
        ContentType = contentType;
        RetryAfter = retryAfter;
    }

    public int Status { get; }
    public object Body { get; }
    public string ContentType { get; }
    public TimeSpan? RetryAfter { get; }

    /// <summary>Where a created resource can be read (the privacy API's 202 answers).</summary>
    public string? Location { get; init; }

    public static JsonResponse From(IngestResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return new JsonResponse(response.Status, response.Body, response.ContentType, response.RetryAfter);
    }

    public static JsonResponse From(Problem problem, TimeSpan? retryAfter = null) => From(IngestResponse.From(problem, retryAfter));

    /// <summary>An answer of the privacy API, written as the local runtime writes it.</summary>
    public static JsonResponse From(ApiResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return new JsonResponse(response.Status, response.Body, response.ContentType) { Location = response.Location };
    }

    public async Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.HttpContext.Response;
        response.StatusCode = Status;
        response.ContentType = ContentType;
        if (RetryAfter is { } delay)
        {
            // Whole seconds, at least one, as HTTP's delay-seconds form requires.
            var seconds = Math.Max(1, (int)Math.Ceiling(delay.TotalSeconds));
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        if (Location is not null)
        {
            response.Headers.Location = Location;
        }

        await JsonSerializer.SerializeAsync(response.Body, Body, Body.GetType(), _serializerOptions, context.HttpContext.RequestAborted)
            .ConfigureAwait(false);
    }
}
