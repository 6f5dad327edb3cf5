namespace Serverless.Benchmarks;

/// <summary>
/// Whether a series of memory readings grows: the average of the last third of the samples against that of the first
/// third, the least-squares slope over time, and the slope once the backlog is accounted for (a least-squares fit of
/// memory on both the pending events and time), since queued events hold memory that is no leak.
/// </summary>
internal sealed record MemoryTrend(double FirstThirdBytes, double LastThirdBytes, double SlopeBytesPerMinute, double BacklogAdjustedSlopeBytesPerMinute,
    double BytesPerPendingEvent, double WindowMinutes, int Samples)
{
    /// <summary>Last third over first third, as read.</summary>
    public double Growth => LastThirdBytes / FirstThirdBytes - 1;

    /// <summary>What the time trend alone adds between the first and the last third, backlog aside, over the first third.</summary>
    public double BacklogAdjustedGrowth => BacklogAdjustedSlopeBytesPerMinute * WindowMinutes * 2 / 3 / FirstThirdBytes;

    /// <summary>Flat within <paramref name="tolerance"/> (a fraction), once the backlog's share is taken out.</summary>
    public bool DoesNotGrow(double tolerance) => BacklogAdjustedGrowth <= tolerance;

    public static MemoryTrend Of(IReadOnlyList<MemorySample> samples, Func<MemorySample, long> reading)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count < 3)
        {
            throw new ArgumentException("At least three samples are needed to compare thirds; lengthen the run or sample more often.", nameof(samples));
        }

        var third = samples.Count / 3;
        var first = samples.Take(third).Average(s => (double)reading(s));
        var last = samples.TakeLast(third).Average(s => (double)reading(s));
        var meanT = samples.Average(s => s.Seconds);
        var meanP = samples.Average(s => (double)s.Pending);
        var meanY = samples.Average(s => (double)reading(s));
        double stt = 0, spp = 0, stp = 0, sty = 0, spy = 0;
        foreach (var s in samples)
        {
            var (t, p, y) = (s.Seconds - meanT, s.Pending - meanP, reading(s) - meanY);
            stt += t * t;
            spp += p * p;
            stp += t * p;
            sty += t * y;
            spy += p * y;
        }

        var slope = sty / stt;
        var determinant = stt * spp - stp * stp;
        var (perSecond, perPending) = determinant > 1e-9 * stt * spp && spp > 0
            ? ((spp * sty - stp * spy) / determinant, (stt * spy - stp * sty) / determinant)
            : (slope, 0.0);
        var window = (samples[^1].Seconds - samples[0].Seconds) / 60;
        return new MemoryTrend(first, last, slope * 60, perSecond * 60, perPending, window, samples.Count);
    }
}
