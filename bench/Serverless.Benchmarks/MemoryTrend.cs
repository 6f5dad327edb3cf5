namespace Serverless.Benchmarks;

/// <summary>
/// Whether a series of memory readings grows: the average of the last third of the samples against that of the first
/// third, and the least-squares slope over all of them.
/// </summary>
internal sealed record MemoryTrend(double FirstThirdBytes, double LastThirdBytes, double SlopeBytesPerMinute, int Samples)
{
    public double Growth => LastThirdBytes / FirstThirdBytes - 1;

    /// <summary>Flat within <paramref name="tolerance"/> (a fraction): the last third is at most that much above the first.</summary>
    public bool DoesNotGrow(double tolerance) => Growth <= tolerance;

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
        var meanX = samples.Average(s => s.Seconds);
        var meanY = samples.Average(s => (double)reading(s));
        var covariance = samples.Sum(s => (s.Seconds - meanX) * (reading(s) - meanY));
        var variance = samples.Sum(s => (s.Seconds - meanX) * (s.Seconds - meanX));
        return new MemoryTrend(first, last, covariance / variance * 60, samples.Count);
    }
}
