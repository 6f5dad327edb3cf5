using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Triggers;

/// <summary>Processes what Event Hubs delivers: one batch of one partition per invocation.</summary>
public sealed class ProcessEvents
{
    private readonly PipelineProvider _pipeline;
    private readonly BatchRetry _retry;

    public ProcessEvents(PipelineProvider pipeline, BatchRetry retry)
    {
        _pipeline = pipeline;
        _retry = retry;
    }

    /// <remarks>
    /// The parameters are those both the 5.x and the 6.x Event Hubs worker extensions bind: the bodies as strings (the
    /// pipeline's events are UTF-8 JSON CloudEvents) and the binding-data arrays, matched by name. The partition comes from
    /// the partition context in the binding data. Failures are retried here until they pass (<see cref="BatchRetry"/>):
    /// the trigger checkpoints after the invocation returns, so a failed batch must not return. Bad and poison events do
    /// not throw (they are quarantined); what throws is infrastructure: storage, Key Vault, the network, a role.
    /// </remarks>
    [Function(nameof(ProcessEvents))]
    public async Task RunAsync(
        [EventHubTrigger("%EventHubName%", Connection = "EventHubConnection", ConsumerGroup = "%EventHubConsumerGroup%", IsBatched = true)]
        string[] events,
        long[] sequenceNumberArray,
        DateTime[] enqueuedTimeUtcArray,
        FunctionContext context,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var partitionId = TriggerPartition.IdFrom(context.BindingContext.BindingData);
        var batch = EventHubBatch.ToIncoming(partitionId, events, sequenceNumberArray, enqueuedTimeUtcArray);
        await _retry.RunAsync(partitionId, async ct =>
        {
            var pipeline = await _pipeline.GetServicesAsync(ct).ConfigureAwait(false);
            await pipeline.Processor.ProcessAsync(batch, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }
}
