using Azure.Messaging.EventHubs;
using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.Hosting;
using Serverless.Pipeline.Events;

namespace Serverless.Functions.Triggers;

/// <summary>Processes what Event Hubs delivers: one batch of one partition per invocation.</summary>
public sealed class ProcessEvents
{
    private readonly PipelineProvider _pipeline;

    public ProcessEvents(PipelineProvider pipeline)
    {
        _pipeline = pipeline;
    }

    /// <remarks>
    /// Exceptions are not caught. The trigger writes the partition's checkpoint only after the invocation returns,
    /// retries included, so a failed batch is never marked done while it is being retried, and an instance that dies
    /// mid-batch leaves no checkpoint: the batch is delivered again from the last one. Every write the processor makes is
    /// idempotent, so a re-run after a partial failure leaves exactly the state of one clean run. Bad and poison events do not
    /// throw (they are quarantined), so what throws is infrastructure: storage, Key Vault, the network. The trigger
    /// checkpoints a failed invocation once its retries are exhausted, so the retries never run out (-1): a partition
    /// waits for storage to come back rather than skip events.
    /// </remarks>
    [Function(nameof(ProcessEvents))]
    [ExponentialBackoffRetry(-1, "00:00:05", "00:05:00")]
    public async Task RunAsync(
        [EventHubTrigger("%EventHubName%", Connection = "EventHubConnection", ConsumerGroup = "%EventHubConsumerGroup%", IsBatched = true)]
        EventData[] events,
        FunctionContext context,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(context);
        var partitionId = TriggerPartition.IdFrom(context.BindingContext.BindingData);
        var batch = new IncomingEvent[events.Length];
        for (var i = 0; i < events.Length; i++)
        {
            var data = events[i];
            batch[i] = new IncomingEvent(data.EventBody.ToMemory(), new StreamPosition(partitionId, data.SequenceNumber), data.EnqueuedTime);
        }

        var pipeline = await _pipeline.GetServicesAsync(cancellationToken).ConfigureAwait(false);
        await pipeline.Processor.ProcessAsync(batch, cancellationToken).ConfigureAwait(false);
    }
}
