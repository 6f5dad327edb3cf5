namespace Serverless.Pipeline.Ingestion;

/// <summary>
/// Where accepted events go: Event Hubs in Azure, the in-process partitioned stream locally. Events with the same
/// partition key are delivered in order. A full stream refuses the whole request, so a retry sends it all again.
/// </summary>
public interface IEventStream
{
    ValueTask<EnqueueResult> TryEnqueueAsync(IReadOnlyList<MappedEvent> events, CancellationToken cancellationToken);
}

/// <summary>Whether the stream took the events, and if not, when to try again.</summary>
public readonly record struct EnqueueResult(bool Accepted, TimeSpan RetryAfter)
{
    public static EnqueueResult Taken => new(true, TimeSpan.Zero);
    public static EnqueueResult Full(TimeSpan retryAfter) => new(false, retryAfter);
}
