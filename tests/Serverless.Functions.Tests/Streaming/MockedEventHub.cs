using System.Collections.Concurrent;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Moq;

namespace Serverless.Functions.Tests.Streaming;

/// <summary>
/// An <see cref="EventHubProducerClient"/> mocked with Moq whose batches come from the SDK's model factory: each
/// accepts events while their bodies fit in <c>maxBatchBytes</c>, and every batch sent is recorded with its partition key.
/// </summary>
internal sealed class MockedEventHub
{
    private readonly ConcurrentDictionary<EventDataBatch, (string? PartitionKey, List<EventData> Events)> _created = new();
    private readonly ConcurrentQueue<(string? PartitionKey, IReadOnlyList<EventData> Events)> _sent = new();

    public MockedEventHub(long maxBatchBytes)
    {
        Producer.Setup(p => p.CreateBatchAsync(It.IsAny<CreateBatchOptions>(), It.IsAny<CancellationToken>()))
            .Returns((CreateBatchOptions options, CancellationToken _) => ValueTask.FromResult(NewBatch(options, maxBatchBytes)));
        Producer.Setup(p => p.SendAsync(It.IsAny<EventDataBatch>(), It.IsAny<CancellationToken>()))
            .Returns((EventDataBatch batch, CancellationToken _) =>
            {
                var (partitionKey, events) = _created[batch];
                _sent.Enqueue((partitionKey, [.. events]));
                return Task.CompletedTask;
            });
    }

    public Mock<EventHubProducerClient> Producer { get; } = new();

    /// <summary>Every batch sent, in the order the sends happened.</summary>
    public IReadOnlyList<(string? PartitionKey, IReadOnlyList<EventData> Events)> Sent => [.. _sent];

    private EventDataBatch NewBatch(CreateBatchOptions options, long maxBatchBytes)
    {
        var events = new List<EventData>();
        long size = 0;
        var batch = EventHubsModelFactory.EventDataBatch(maxBatchBytes, events, options, data =>
        {
            if (size + data.EventBody.ToMemory().Length > maxBatchBytes)
            {
                return false;
            }

            size += data.EventBody.ToMemory().Length;
            return true;
        });
        _created[batch] = (options.PartitionKey, events);
        return batch;
    }
}
