using Microsoft.Extensions.Logging;
using Serverless.Pipeline.Problems;

namespace Serverless.Pipeline.Ingestion;

/// <summary>
/// The ingestion stage, the same in both hosts: find the source, refuse oversized bodies, verify the signature before
/// anything else, drop replays, map the body to CloudEvents, and hand the valid events to the stream. Every refusal
/// is an RFC 9457 problem with the right 4xx status; in a batch, valid events are accepted beside invalid ones.
/// </summary>
public sealed partial class WebhookIngestor
{
    private readonly IReadOnlyDictionary<string, ConfiguredSource> _sources;
    private readonly EventMapper _mapper = new();
    private readonly IEventStream _stream;
    private readonly DeliveryLog _deliveries;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookIngestor> _logger;

    public WebhookIngestor(IEnumerable<ConfiguredSource> sources, IEventStream stream, DeliveryLog deliveries, TimeProvider time, ILogger<WebhookIngestor> logger)
    {
        _sources = sources.ToDictionary(s => s.Name, StringComparer.Ordinal);
        _stream = stream;
        _deliveries = deliveries;
        _time = time;
        _logger = logger;
    }

    public async Task<IngestResponse> IngestAsync(IngestRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var source = _sources.GetValueOrDefault(request.Source);
        using var telemetry = IngestTelemetry.Start(request.Source, source?.Options.Tenant);
        var response = await IngestCoreAsync(request, source, cancellationToken).ConfigureAwait(false);
        telemetry.Complete(response);
        return response;
    }

    private async Task<IngestResponse> IngestCoreAsync(IngestRequest request, ConfiguredSource? source, CancellationToken cancellationToken)
    {
        if (source is null)
        {
            return IngestResponse.From(Problem.Of(404, "unknown-source", "Unknown source", $"No webhook source named '{request.Source}' is configured."));
        }

        if (request.BodyTooLarge || request.Body.Length > IngestionLimits.MaxBodyBytes)
        {
            return IngestResponse.From(Problem.Of(413, "body-too-large", "Body too large", $"A request body may be at most {IngestionLimits.MaxBodyBytes} bytes."));
        }

        var signature = source.Verifier.Verify(request, _time.GetUtcNow());
        if (signature.Status != SignatureStatus.Valid)
        {
            LogSignatureRefused(source.Name, signature.Status);
            return IngestResponse.From(Problem.Of(401, "signature-" + signature.Status.ToString().ToLowerInvariant(), "Signature not accepted", signature.Detail));
        }

        var mediaType = MediaType(request.ContentType, out var charsetOk);
        var accepted = source.MediaTypes;
        if (mediaType is null || !accepted.Contains(mediaType) || !charsetOk)
        {
            return IngestResponse.From(Problem.Of(415, "unsupported-media-type", "Unsupported content type",
                $"Source '{source.Name}' accepts {string.Join(" or ", accepted)} in UTF-8; got '{request.ContentType}'."));
        }

        if (request.Body.IsEmpty)
        {
            return IngestResponse.From(Problem.Of(400, "empty-body", "Empty body", "The request has no body."));
        }

        var mapped = _mapper.Map(source, mediaType, request.Body, _time.GetUtcNow());
        if (mapped.Failure is { } failure)
        {
            return IngestResponse.From(failure);
        }

        if (mapped.Events.Count == 0)
        {
            return IngestResponse.From(new Problem
            {
                Type = "urn:serverless-pipeline:problem:invalid-envelope",
                Title = "No valid event",
                Status = 422,
                Detail = "No event in the request could be turned into a valid CloudEvent; see errors.",
                Errors = mapped.Errors,
            });
        }

        return await EnqueueAsync(source, signature.DeliveryId, mapped, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IngestResponse> EnqueueAsync(ConfiguredSource source, string? deliveryId, MappingResult mapped, CancellationToken cancellationToken)
    {
        if (deliveryId is not null && await _deliveries.ContainsAsync(source.Name, deliveryId, cancellationToken).ConfigureAwait(false))
        {
            LogReplay(source.Name);
            return new IngestResponse(200, new IngestAccepted([], [], Replayed: true), "application/json");
        }

        var enqueued = await _stream.TryEnqueueAsync(mapped.Events, cancellationToken).ConfigureAwait(false);
        if (!enqueued.Accepted)
        {
            return IngestResponse.From(Problem.Of(429, "stream-full", "Too many requests",
                "The event stream is full; nothing from this request was accepted. Retry after the given delay."), enqueued.RetryAfter);
        }

        if (deliveryId is not null)
        {
            try
            {
                await _deliveries.RecordAsync(source.Name, deliveryId, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (Storage.StorageFaults.IsUnavailable(ex))
            {
                // The events are in the stream: answer 202. A retry of this delivery will enqueue them again and the
                // event-id ledger will drop them as duplicates.
                LogDeliveryNotRecorded(ex, source.Name);
            }
        }

        return new IngestResponse(202, new IngestAccepted(mapped.Events.Select(e => e.Id).ToList(), mapped.Errors, Replayed: false), "application/json");
    }

    private static string? MediaType(string? contentType, out bool charsetOk)
    {
        charsetOk = true;
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }

        var parts = contentType.Split(';');
        foreach (var parameter in parts.Skip(1))
        {
            var pair = parameter.Split('=', 2);
            if (pair.Length == 2 && pair[0].Trim().Equals("charset", StringComparison.OrdinalIgnoreCase))
            {
                var charset = pair[1].Trim().Trim('"');
                charsetOk = charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);
            }
        }

        return parts[0].Trim().ToLowerInvariant();
    }

    [LoggerMessage(EventId = 3701, Level = LogLevel.Warning, Message = "Refused a webhook from source {Source}: signature {Status}")]
    private partial void LogSignatureRefused(string source, SignatureStatus status);

    [LoggerMessage(EventId = 3702, Level = LogLevel.Warning, Message = "Accepted a delivery from source {Source} but could not record it for replay protection")]
    private partial void LogDeliveryNotRecorded(Exception exception, string source);

    [LoggerMessage(EventId = 3703, Level = LogLevel.Information, Message = "Replayed delivery from source {Source} answered without ingesting")]
    private partial void LogReplay(string source);
}
