using Serverless.Pipeline.Events;

namespace Serverless.Pipeline.Processing;

/// <summary>What happened to one input event.</summary>
public enum EventDisposition
{
    Stored,
    Quarantined,
    Duplicate,

    /// <summary>The event is about a person whose erasure was requested: counted, never stored.</summary>
    Suppressed,
}

/// <summary>The fate of the input at <see cref="Index"/> in the batch.</summary>
public sealed record EventOutcome(int Index, EventDisposition Disposition, string? EventId, RejectionReason? Reason);

/// <summary>An account of every input of a batch: stored + quarantined + duplicates + suppressed = <see cref="Received"/>.</summary>
public sealed class BatchResult
{
    public BatchResult(IReadOnlyList<EventOutcome> outcomes, IReadOnlyList<string> rawBlobs, IReadOnlyList<string> quarantineBlobs)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        Outcomes = outcomes;
        RawBlobs = rawBlobs;
        QuarantineBlobs = quarantineBlobs;
        Stored = outcomes.Count(o => o.Disposition == EventDisposition.Stored);
        Quarantined = outcomes.Count(o => o.Disposition == EventDisposition.Quarantined);
        Duplicates = outcomes.Count(o => o.Disposition == EventDisposition.Duplicate);
        Suppressed = outcomes.Count(o => o.Disposition == EventDisposition.Suppressed);
        QuarantinedByReason = outcomes.Where(o => o.Reason is not null)
            .GroupBy(o => o.Reason!.Value)
            .ToDictionary(g => g.Key, g => g.Count());
    }

    public int Received => Outcomes.Count;
    public int Stored { get; }
    public int Quarantined { get; }
    public int Duplicates { get; }
    public int Suppressed { get; }
    public IReadOnlyDictionary<RejectionReason, int> QuarantinedByReason { get; }
    public IReadOnlyList<EventOutcome> Outcomes { get; }

    /// <summary>Raw archive blobs this batch wrote or found already written (a redelivery).</summary>
    public IReadOnlyList<string> RawBlobs { get; }

    public IReadOnlyList<string> QuarantineBlobs { get; }
}
