using Serverless.Pipeline.Events;

namespace Serverless.Functions.Triggers;

/// <summary>
/// Turns what the Event Hubs trigger binds into the pipeline's batch. The trigger binds event bodies as strings and the
/// per-event metadata as the binding-data arrays (<c>sequenceNumberArray</c>, <c>enqueuedTimeUtcArray</c>), which both
/// the 5.x and the 6.x worker extensions supply; <c>EventData</c> binding exists only in 6.x.
/// </summary>
public static class EventHubBatch
{
    public static IncomingEvent[] ToIncoming(string partitionId, IReadOnlyList<string> bodies, IReadOnlyList<long> sequenceNumbers,
        IReadOnlyList<DateTime> enqueuedTimesUtc)
    {
        ArgumentException.ThrowIfNullOrEmpty(partitionId);
        ArgumentNullException.ThrowIfNull(bodies);
        ArgumentNullException.ThrowIfNull(sequenceNumbers);
        ArgumentNullException.ThrowIfNull(enqueuedTimesUtc);
        if (sequenceNumbers.Count != bodies.Count || enqueuedTimesUtc.Count != bodies.Count)
        {
            throw new InvalidOperationException(
                $"The Event Hubs trigger bound {bodies.Count} bodies but {sequenceNumbers.Count} sequence numbers and {enqueuedTimesUtc.Count} enqueued times.");
        }

        var batch = new IncomingEvent[bodies.Count];
        for (var i = 0; i < batch.Length; i++)
        {
            var enqueued = DateTime.SpecifyKind(enqueuedTimesUtc[i], DateTimeKind.Utc);
            batch[i] = new IncomingEvent(System.Text.Encoding.UTF8.GetBytes(bodies[i] ?? string.Empty),
                new StreamPosition(partitionId, sequenceNumbers[i]), new DateTimeOffset(enqueued));
        }

        return batch;
    }
}
