using Serverless.Local.Streaming;

namespace Serverless.Local.Dashboard;

/// <summary>Events per second over one sampling interval: accepted by ingestion, and how processing disposed of them.</summary>
public sealed record ThroughputSample(DateTimeOffset At, double Accepted, double Stored, double Quarantined, double Processed);

/// <summary>
/// Reads the stream's running totals once a second and keeps the per-second rates of the last few minutes in memory,
/// for the dashboard's throughput chart.
/// </summary>
public sealed class ThroughputSampler : IAsyncDisposable
{
    public const int Capacity = 300;
    private readonly Func<StreamStatistics> _statistics;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly Queue<ThroughputSample> _samples = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private Totals? _previous;

    public ThroughputSampler(Func<StreamStatistics> statistics, TimeProvider time, TimeSpan interval)
    {
        _statistics = statistics;
        _time = time;
        _interval = interval;
    }

    public IReadOnlyList<ThroughputSample> Samples
    {
        get
        {
            lock (_samples)
            {
                return _samples.ToList();
            }
        }
    }

    public void Start()
    {
        _previous = Totals.Of(_statistics(), _time.GetTimestamp());
        _loop = RunAsync(_stop.Token);
    }

    /// <summary>Takes one sample now: the rates since the previous one.</summary>
    public void Sample()
    {
        var now = Totals.Of(_statistics(), _time.GetTimestamp());
        var previous = _previous ?? now;
        _previous = now;
        var seconds = _time.GetElapsedTime(previous.Timestamp, now.Timestamp).TotalSeconds;
        if (seconds <= 0)
        {
            return;
        }

        var sample = new ThroughputSample(_time.GetUtcNow(),
            (now.Accepted - previous.Accepted) / seconds,
            (now.Stored - previous.Stored) / seconds,
            (now.Quarantined - previous.Quarantined) / seconds,
            (now.Processed - previous.Processed) / seconds);
        lock (_samples)
        {
            _samples.Enqueue(sample);
            while (_samples.Count > Capacity)
            {
                _samples.Dequeue();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                Sample();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private sealed record Totals(long Timestamp, long Accepted, long Stored, long Quarantined, long Processed)
    {
        public static Totals Of(StreamStatistics stats, long timestamp) => new(timestamp, stats.Accepted, stats.Stored, stats.Quarantined, stats.Processed);
    }
}
