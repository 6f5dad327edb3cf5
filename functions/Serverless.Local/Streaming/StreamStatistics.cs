using System.Collections.Concurrent;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Processing;

namespace Serverless.Local.Streaming;

/// <summary>Running totals of the local stream, for the health endpoint, the demo summary and the tests.</summary>
public sealed class StreamStatistics
{
    private long _accepted;
    private long _recovered;
    private long _processed;
    private long _stored;
    private long _quarantined;
    private long _duplicates;
    private long _suppressed;
    private long _batches;
    private long _retries;

    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Events accepted before the last start and not yet processed then, delivered again from the durable log.</summary>
    public long Recovered => Interlocked.Read(ref _recovered);
    public long Processed => Interlocked.Read(ref _processed);
    public long Stored => Interlocked.Read(ref _stored);
    public long Quarantined => Interlocked.Read(ref _quarantined);
    public long Duplicates => Interlocked.Read(ref _duplicates);
    public long Suppressed => Interlocked.Read(ref _suppressed);
    public long Batches => Interlocked.Read(ref _batches);
    public long Retries => Interlocked.Read(ref _retries);
    public ConcurrentDictionary<RejectionReason, long> QuarantinedByReason { get; } = new();

    internal void AddAccepted(int count) => Interlocked.Add(ref _accepted, count);

    internal void AddRecovered(int count) => Interlocked.Add(ref _recovered, count);

    internal void AddRetry() => Interlocked.Increment(ref _retries);

    internal void AddBatch(BatchResult result)
    {
        Interlocked.Add(ref _stored, result.Stored);
        Interlocked.Add(ref _quarantined, result.Quarantined);
        Interlocked.Add(ref _duplicates, result.Duplicates);
        Interlocked.Add(ref _suppressed, result.Suppressed);
        Interlocked.Increment(ref _batches);
        foreach (var (reason, count) in result.QuarantinedByReason)
        {
            QuarantinedByReason.AddOrUpdate(reason, count, (_, total) => total + count);
        }

        Interlocked.Add(ref _processed, result.Received);
    }
}
