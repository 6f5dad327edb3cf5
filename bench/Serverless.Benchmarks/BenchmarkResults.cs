namespace Serverless.Benchmarks;

/// <summary>The processing stage against System.Text.Json's parse-and-write, one thread, no I/O, on the realistic mix.</summary>
/// <param name="Leads">The same on leads alone (phones, emails, names, addresses: the costliest events), printed beside it.</param>
internal sealed record ProcessingResult(double Rate, double BaselineRate, double BytesPerEvent, double BaselineBytesPerEvent, double AverageEventBytes, ProcessingResult? Leads = null)
{
    /// <summary>Issue 16: the processing stage should run at a quarter of the speed of merely parsing and writing the events.</summary>
    public const double TargetRatio = 0.25;

    /// <summary>Issue 16: at most this many bytes allocated per event.</summary>
    public const double TargetBytesPerEvent = 8 * 1024;

    public double Ratio => Rate / BaselineRate;
}

/// <summary>End to end over HTTP against Azurite's ceiling for the same writes.</summary>
/// <param name="CommitP50Milliseconds">From a request's append to its events being durable in the stream's log (group commit).</param>
internal sealed record LoadResult(double Rate, double CeilingRate, double P50Milliseconds, double P99Milliseconds, double CpuMicrosecondsPerEvent,
    double CommitP50Milliseconds, double CommitP99Milliseconds, double RequestsPerCommit)
{
    /// <summary>The pipeline should deliver at least this share of what storage alone can take.</summary>
    public const double TargetRatio = 0.8;

    public double Ratio => Rate / CeilingRate;
}

/// <summary>A steady offered load: what was delivered, what each event cost end to end, and how memory moved.</summary>
internal sealed record SustainedResult(
    double OfferedRate,
    double DeliveredRate,
    double AllocatedBytesPerEvent,
    double CpuMicrosecondsPerEvent,
    MemoryTrend WorkingSet,
    MemoryTrend Heap,
    MemoryTrend Live,
    int FirstThirdPending,
    int LastThirdPending,
    double Tolerance)
{
    /// <summary>Keeping up: nearly all of the offered events were stored within the window.</summary>
    public const double TargetDeliveredShare = 0.95;

    public double DeliveredShare => DeliveredRate / OfferedRate;

    /// <summary>The backlog grew during the window: memory then holds the queued events, and growth is no sign of a leak.</summary>
    public bool FellBehind => LastThirdPending > FirstThirdPending + 1_000;

    /// <summary>The backlog shrank during the window: memory fell with it, which could hide a slow leak.</summary>
    public bool CaughtUp => FirstThirdPending > LastThirdPending + 1_000;
}

/// <summary>Storage requests per event at full batches, counted in the SDK pipeline.</summary>
internal sealed record StorageRequestsResult(double PageViews, double NewLeads, double ColdPageViews)
{
    /// <summary>Issue 16: page views with one customer per event, and new leads with email and phone.</summary>
    public const double TargetPageViews = 1.0;
    public const double TargetNewLeads = 1.5;

    public bool Met => PageViews <= TargetPageViews && NewLeads <= TargetNewLeads;
}
