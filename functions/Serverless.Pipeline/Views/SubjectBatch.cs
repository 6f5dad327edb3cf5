using Serverless.Pipeline.Preparation;

namespace Serverless.Pipeline.Views;

/// <summary>What one batch brings for one customer: its stored events (in stream order) and the blobs that hold them.</summary>
public sealed record SubjectBatch(string Tenant, string Subject, IReadOnlyList<PreparedEvent> Events, IReadOnlyList<BlobRef> Blobs)
{
    /// <summary>The emails and phones of the customer's events that went to quarantine in this batch.</summary>
    public IReadOnlyList<EventIdentifiers> Quarantined { get; init; } = [];
}
