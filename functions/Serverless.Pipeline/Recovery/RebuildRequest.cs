using Serverless.Pipeline.Events;

namespace Serverless.Pipeline.Recovery;

/// <summary>
/// What to rebuild: one tenant's views for the archive blobs of [<see cref="From"/>, <see cref="To"/>) (UTC, widened
/// to whole hours, the archive's layout).
/// </summary>
public sealed record RebuildRequest
{
    public RebuildRequest(string tenant, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        if (!EnvelopeParser.IsValidTenant(tenant))
        {
            throw new ArgumentException($"'{tenant}' is not a tenant name (1-63 lower-case letters, digits and hyphens).", nameof(tenant));
        }

        Tenant = tenant;
        Window = ArchiveWindow.Covering(from, to);
    }

    public string Tenant { get; }
    public ArchiveWindow Window { get; }
    public DateTimeOffset From => Window.From;
    public DateTimeOffset To => Window.To;

    /// <summary>
    /// How long before its day an event may have been enqueued (a sender's clock running ahead, a batch that began
    /// before midnight): the daily counters read the archive from this long before the first day of the range.
    /// </summary>
    public TimeSpan EarlyArrival { get; init; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How long after its day an event may still arrive (late senders, quarantine replays). Null reads the archive to
    /// its end, which is exact; a bound reads less and misses events later than it.
    /// </summary>
    public TimeSpan? LateArrival { get; init; }
}

/// <summary>Where a rebuild is: which phase, and how much it has read and rewritten.</summary>
public sealed record RebuildProgress(string Phase, int BlobsRead, long Events, long Quarantined, int Customers, int CustomersTotal);

/// <summary>What a rebuild read and wrote.</summary>
public sealed record RebuildResult(int BlobsRead, long Events, long Quarantined, int Customers, int CounterDays, int CounterRows, int StaleDeleted);
