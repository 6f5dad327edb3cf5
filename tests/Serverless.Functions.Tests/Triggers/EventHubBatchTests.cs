using System.Text;
using Serverless.Functions.Triggers;

namespace Serverless.Functions.Tests.Triggers;

/// <summary>What the trigger binds, as the worker delivers it, turned into the pipeline's batch.</summary>
public sealed class EventHubBatchTests
{
    [Fact]
    public void ToIncoming_BindingDataOfTheWorker_KeepsBodiesSequenceNumbersTimesAndPartition()
    {
        var partitionId = TriggerPartition.IdFrom(TriggerInvocation.BindingData("3"));
        var enqueued = new DateTime(2026, 11, 21, 10, 30, 0, DateTimeKind.Unspecified);

        var batch = EventHubBatch.ToIncoming(partitionId, ["""{"id":"a"}""", """{"id":"b"}"""], [41, 42], [enqueued, enqueued.AddSeconds(1)]);

        Assert.Equal(["""{"id":"a"}""", """{"id":"b"}"""], batch.Select(e => Encoding.UTF8.GetString(e.Body.Span)));
        Assert.Equal([41L, 42L], batch.Select(e => e.Position.SequenceNumber));
        Assert.All(batch, e => Assert.Equal("3", e.Position.PartitionId));
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 10, 30, 1, TimeSpan.Zero), batch[1].EnqueuedTime);
    }

    [Fact]
    public void IdFrom_NewerTriggerPartitionContextKey_IsRead()
    {
        var bindingData = new Dictionary<string, object?> { ["TriggerPartitionContext"] = TriggerInvocation.BindingData("7")["PartitionContext"] };

        Assert.Equal("7", TriggerPartition.IdFrom(bindingData));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not json")]
    [InlineData("""{"EventHubName":"events"}""")]
    public void IdFrom_NoReadablePartitionContext_Throws(string? partitionContext)
    {
        var bindingData = new Dictionary<string, object?> { ["PartitionContext"] = partitionContext };

        Assert.Throws<InvalidOperationException>(() => TriggerPartition.IdFrom(bindingData));
    }

    [Fact]
    public void ToIncoming_FewerSequenceNumbersThanBodies_IsRefused()
    {
        var enqueued = TriggerInvocation.Enqueued;

        Assert.Throws<InvalidOperationException>(() => EventHubBatch.ToIncoming("0", ["a", "b"], [1], [enqueued, enqueued]));
    }

    [Fact]
    public void ToIncoming_FewerEnqueuedTimesThanBodies_IsRefused()
    {
        Assert.Throws<InvalidOperationException>(() => EventHubBatch.ToIncoming("0", ["a", "b"], [1, 2], [TriggerInvocation.Enqueued]));
    }
}
