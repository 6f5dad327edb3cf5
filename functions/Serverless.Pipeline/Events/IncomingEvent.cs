namespace Serverless.Pipeline.Events;

/// <summary>One event as the stream delivers it: the structured-mode CloudEvent bytes and where it came from.</summary>
public sealed record IncomingEvent(ReadOnlyMemory<byte> Body, StreamPosition Position, DateTimeOffset EnqueuedTime);
