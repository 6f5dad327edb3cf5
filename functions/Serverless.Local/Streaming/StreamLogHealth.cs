namespace Serverless.Local.Streaming;

/// <summary>The durable log as the health endpoint shows it: its size, how far behind processing is, each partition's checkpoint.</summary>
public sealed record StreamLogHealth(
    string Directory,
    long SizeBytes,
    int UnprocessedEvents,
    long UnprocessedBytes,
    double? OldestUnprocessedAgeMs,
    double? CommitP50Ms,
    double? CommitP99Ms,
    long Commits,
    long Appends,
    IReadOnlyDictionary<string, long> Checkpoints);
