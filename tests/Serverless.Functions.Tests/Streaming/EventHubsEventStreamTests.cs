using System.Text;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Serverless.Functions.Streaming;
using Serverless.Pipeline.Ingestion;

namespace Serverless.Functions.Tests.Streaming;

public sealed class EventHubsEventStreamTests
{
    [Fact]
    public async Task TryEnqueue_EventsOfSeveralCustomers_SendsEachUnderTenantAndSubjectKeepingEachCustomersOrder()
    {
        var hub = new MockedEventHub(maxBatchBytes: 1024);
        var events = Enumerable.Range(0, 12).Select(i => Event($"e{i}", "acme-law", $"customer/C-{i % 3}", 10)).ToList();

        var result = await Stream(hub).TryEnqueueAsync(events, CancellationToken.None);

        Assert.Equal(EnqueueResult.Taken, result);
        Assert.All(hub.Sent, batch => Assert.All(batch.Events, data => Assert.Equal(batch.PartitionKey, KeyOf(events, data.MessageId))));
        foreach (var customer in events.GroupBy(e => e.PartitionKey))
        {
            Assert.StartsWith("acme-law|customer/C-", customer.Key, StringComparison.Ordinal);
            Assert.Equal(customer.Select(e => e.Id), hub.Sent.Where(b => b.PartitionKey == customer.Key).SelectMany(b => b.Events).Select(d => d.MessageId));
        }

        Assert.All(hub.Sent.SelectMany(b => b.Events), data => Assert.Equal(EventMapper.CloudEventMediaType, data.ContentType));
    }

    [Fact]
    public async Task TryEnqueue_MoreThanOneBatchHolds_SplitsIntoBatchesWithinTheSizeLimitInOrder()
    {
        var hub = new MockedEventHub(maxBatchBytes: 250);
        var events = Enumerable.Range(0, 10).Select(i => Event($"e{i}", "acme-law", "customer/C-1", 100)).ToList();

        var result = await Stream(hub).TryEnqueueAsync(events, CancellationToken.None);

        Assert.True(result.Accepted);
        Assert.Equal(5, hub.Sent.Count);
        Assert.All(hub.Sent, batch => Assert.InRange(batch.Events.Sum(e => e.EventBody.ToMemory().Length), 1, 250));
        Assert.Equal(events.Select(e => e.Id), hub.Sent.SelectMany(b => b.Events).Select(d => d.MessageId));
    }

    [Fact]
    public async Task TryEnqueue_EventTooLargeForAnEmptyBatch_ThrowsEventTooLargeNamingIt()
    {
        var hub = new MockedEventHub(maxBatchBytes: 250);
        var events = new[] { Event("fits", "acme-law", "customer/C-1", 100), Event("huge", "acme-law", "customer/C-1", 251) };

        var refused = await Assert.ThrowsAsync<EventTooLargeException>(() => Stream(hub).TryEnqueueAsync(events, CancellationToken.None).AsTask());

        Assert.Equal("huge", refused.EventId);
    }

    [Theory]
    [InlineData(EventHubsException.FailureReason.ServiceBusy)]
    [InlineData(EventHubsException.FailureReason.QuotaExceeded)]
    public async Task TryEnqueue_EventHubsThrottles_IsFullWithRetryAfter(EventHubsException.FailureReason reason)
    {
        var hub = new MockedEventHub(maxBatchBytes: 1024);
        hub.Producer.Setup(p => p.SendAsync(It.IsAny<EventDataBatch>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new EventHubsException(true, "events", "Throttled.", reason));

        var result = await Stream(hub).TryEnqueueAsync([Event("e1", "acme-law", "customer/C-1", 10)], CancellationToken.None);

        Assert.False(result.Accepted);
        Assert.Equal(EventHubsEventStream.ThrottledRetryAfter, result.RetryAfter);
        Assert.True(result.RetryAfter > TimeSpan.Zero);
    }

    [Fact]
    public async Task TryEnqueue_OtherEventHubsFailure_Throws()
    {
        var hub = new MockedEventHub(maxBatchBytes: 1024);
        hub.Producer.Setup(p => p.SendAsync(It.IsAny<EventDataBatch>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new EventHubsException(false, "events", "Gone.", EventHubsException.FailureReason.ResourceNotFound));

        await Assert.ThrowsAsync<EventHubsException>(() => Stream(hub).TryEnqueueAsync([Event("e1", "acme-law", "customer/C-1", 10)], CancellationToken.None).AsTask());
    }

    private static EventHubsEventStream Stream(MockedEventHub hub) => new(() => hub.Producer.Object, NullLogger<EventHubsEventStream>.Instance);

    private static MappedEvent Event(string id, string tenant, string subject, int bodyBytes) =>
        new(id, MappedEvent.PartitionKeyFor(tenant, subject), Encoding.UTF8.GetBytes(new string('x', bodyBytes)));

    private static string KeyOf(IEnumerable<MappedEvent> events, string messageId) => events.Single(e => e.Id == messageId).PartitionKey;
}
