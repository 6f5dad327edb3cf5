using Azure;
using Azure.Messaging.EventHubs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Serverless.Functions.Hosting;
using Serverless.Functions.Http;
using Serverless.Functions.Streaming;
using Serverless.Pipeline.Ingestion;

namespace Serverless.Functions.Triggers;

/// <summary><c>POST /api/ingest/{source}</c>: a signed webhook from a configured source, handed to the ingestion stage.</summary>
public sealed partial class IngestWebhook
{
    private static readonly TimeSpan _unavailableRetryAfter = TimeSpan.FromSeconds(5);
    private readonly PipelineProvider _pipeline;
    private readonly ILogger<IngestWebhook> _logger;

    public IngestWebhook(PipelineProvider pipeline, ILogger<IngestWebhook> logger)
    {
        _pipeline = pipeline;
        _logger = logger;
    }

    /// <remarks>
    /// Anonymous at the Functions level on purpose: webhook senders cannot hold a function key, and every request is
    /// verified by its source's signature (Standard Webhooks or HMAC-SHA256) before anything is read from it.
    /// </remarks>
    [Function(nameof(IngestWebhook))]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "ingest/{source}")] HttpRequest request,
        string source,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (body, tooLarge) = await RequestBody.ReadAsync(request, IngestionLimits.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in request.Headers)
        {
            headers[header.Key] = header.Value.ToString();
        }

        try
        {
            var ingestor = await _pipeline.GetIngestorAsync(cancellationToken).ConfigureAwait(false);
            var response = await ingestor.IngestAsync(new IngestRequest(source, request.ContentType, headers, body, tooLarge), cancellationToken)
                .ConfigureAwait(false);
            return JsonResponse.From(response);
        }
        catch (EventTooLargeException)
        {
            LogTooLargeForStream(source);
            return JsonResponse.From(Problem.Of(413, "event-too-large", "Event too large",
                "An event of this request, once wrapped as a CloudEvent, is larger than the event stream accepts; the request was refused."));
        }
        catch (Exception ex) when (ex is RequestFailedException or EventHubsException or TimeoutException)
        {
            // Storage or Event Hubs could not be reached. The caller may send the request again: events already in the
            // stream from this attempt are dropped as duplicates when processed.
            LogUnavailable(ex, source);
            return JsonResponse.From(Problem.Of(503, "unavailable", "Service unavailable",
                "Storage or the event stream could not be reached; send the request again after the given delay."), _unavailableRetryAfter);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a webhook from source {Source}: an event is too large for Event Hubs")]
    private partial void LogTooLargeForStream(string source);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storage or Event Hubs failed while ingesting a webhook from source {Source}")]
    private partial void LogUnavailable(Exception exception, string source);
}
