namespace Serverless.Pipeline.Resilience;

/// <summary>The wait after each failure of something retried until it succeeds: <see cref="First"/>, doubled each time, at most <see cref="Max"/>.</summary>
public readonly record struct ExponentialBackoff
{
    public ExponentialBackoff(TimeSpan first, TimeSpan max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(first, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, first);
        First = first;
        Max = max;
    }

    public TimeSpan First { get; }
    public TimeSpan Max { get; }

    /// <summary>The wait after the <paramref name="failures"/>-th failure in a row (the first is 1).</summary>
    public TimeSpan After(int failures)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        var ticks = First.Ticks * Math.Pow(2, failures - 1);
        return ticks >= Max.Ticks ? Max : TimeSpan.FromTicks((long)ticks);
    }
}
