namespace Serverless.Local.Streaming;

/// <summary>One accepted event as the durable log keeps it: its partition, its sequence number there, when it was accepted.</summary>
public sealed record LogEntry(int Partition, long Sequence, DateTimeOffset Enqueued, byte[] Body);
