namespace Serverless.Local.Streaming;

/// <summary>The latest latencies (a fixed window of samples), for percentiles on the health endpoint and in the benchmark.</summary>
public sealed class LatencyWindow(int size = 65_536)
{
    private readonly double[] _milliseconds = new double[size];
    private readonly Lock _gate = new();
    private long _count;

    public void Record(TimeSpan latency)
    {
        lock (_gate)
        {
            _milliseconds[_count++ % _milliseconds.Length] = latency.TotalMilliseconds;
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _count = 0;
        }
    }

    /// <summary>The <paramref name="fraction"/> quantile in milliseconds (0.5 for the median), or null before any sample.</summary>
    public double? Percentile(double fraction)
    {
        double[] samples;
        lock (_gate)
        {
            samples = _milliseconds[..(int)Math.Min(_count, _milliseconds.Length)];
        }

        if (samples.Length == 0)
        {
            return null;
        }

        Array.Sort(samples);
        return samples[Math.Min(samples.Length - 1, (int)(samples.Length * fraction))];
    }
}
