namespace Serverless.Functions.Streaming;

/// <summary>An accepted event that Event Hubs cannot take even alone in a batch (its size limit includes overhead).</summary>
public sealed class EventTooLargeException : Exception
{
    public EventTooLargeException()
    {
    }

    public EventTooLargeException(string message)
        : base(message)
    {
    }

    public EventTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public EventTooLargeException(string eventId, long maximumSizeInBytes)
        : base($"Event '{eventId}' does not fit in an Event Hubs batch of at most {maximumSizeInBytes} bytes.")
    {
        EventId = eventId;
        MaximumSizeInBytes = maximumSizeInBytes;
    }

    public string? EventId { get; }

    public long MaximumSizeInBytes { get; }
}
