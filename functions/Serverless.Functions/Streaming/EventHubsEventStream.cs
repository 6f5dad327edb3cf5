using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Microsoft.Extensions.Logging;
using Serverless.Pipeline.Ingestion;
using Serverless.Pipeline.Resilience;

namespace Serverless.Functions.Streaming;

/// <summary>
/// The event stream in Azure: Event Hubs. A request's events are grouped by partition key (tenant|subject) and each
/// group is sent as size-checked batches created with that key, so a customer's events keep their order on one
/// partition. The pipeline's request limit (1 MB) is Event Hubs' batch limit, so a request rarely needs more than one
/// batch per key.
/// </summary>
/// <remarks>
/// When Event Hubs throttles (<see cref="EventHubsException.FailureReason.ServiceBusy"/>, or
/// <see cref="EventHubsException.FailureReason.QuotaExceeded"/> when the throughput units are used up) after the
/// client's own short retries, the request is refused as a whole with a Retry-After. Groups sent before the refusal
/// stay in the hub; the caller's retry sends them again and processing drops them as duplicates by (tenant, event id).
/// </remarks>
public sealed partial class EventHubsEventStream : IEventStream
{
    /// <summary>How long a throttled caller is asked to wait; Event Hubs asks throttled clients to back off for seconds.</summary>
    public static readonly TimeSpan ThrottledRetryAfter = RetryAdvice.Delay;

    /// <summary>Batches of one request in flight at once (different partition keys; one key's batches go in order).</summary>
    private const int ConcurrentSends = 8;

    private readonly Func<EventHubProducerClient> _producer;
    private readonly ILogger<EventHubsEventStream> _logger;

    /// <param name="producer">The producer, asked for at the first send: building it may fail on a missing setting.</param>
    public EventHubsEventStream(Func<EventHubProducerClient> producer, ILogger<EventHubsEventStream> logger)
    {
        ArgumentNullException.ThrowIfNull(producer);
        _producer = producer;
        _logger = logger;
    }

    public async ValueTask<EnqueueResult> TryEnqueueAsync(IReadOnlyList<MappedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var groups = events.GroupBy(e => e.PartitionKey, StringComparer.Ordinal).ToList();
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = ConcurrentSends, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(groups, parallel, (group, ct) => new ValueTask(SendAsync(group.Key, group, ct))).ConfigureAwait(false);
        }
        catch (EventHubsException ex) when (ex.Reason is EventHubsException.FailureReason.ServiceBusy or EventHubsException.FailureReason.QuotaExceeded)
        {
            LogThrottled(ex.Reason, events.Count, groups.Count);
            return EnqueueResult.Full(ThrottledRetryAfter);
        }

        return EnqueueResult.Taken;
    }

    private async Task SendAsync(string partitionKey, IEnumerable<MappedEvent> events, CancellationToken cancellationToken)
    {
        var producer = _producer();
        var options = new CreateBatchOptions { PartitionKey = partitionKey };
        var pending = new Queue<(MappedEvent Mapped, EventData Data)>(events.Select(e => (e, ToEventData(e))));
        while (pending.Count > 0)
        {
            using var batch = await producer.CreateBatchAsync(options, cancellationToken).ConfigureAwait(false);
            while (pending.Count > 0 && batch.TryAdd(pending.Peek().Data))
            {
                pending.Dequeue();
            }

            if (batch.Count == 0)
            {
                // Even alone it does not fit: the envelope took a body near 1 MB past what Event Hubs accepts.
                throw new EventTooLargeException(pending.Peek().Mapped.Id, batch.MaximumSizeInBytes);
            }

            await producer.SendAsync(batch, cancellationToken).ConfigureAwait(false);
        }
    }

    // Structured-mode CloudEvents: the body is the whole event, so the content type says so.
    private static EventData ToEventData(MappedEvent mapped) => new(BinaryData.FromBytes(mapped.Body))
    {
        ContentType = EventMapper.CloudEventMediaType,
        MessageId = mapped.Id,
    };

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Event Hubs throttled ({Reason}): refused a request of {Events} events in {Groups} partition-key groups")]
    private partial void LogThrottled(EventHubsException.FailureReason reason, int events, int groups);
}
