using System.Diagnostics.Metrics;
using Serverless.Pipeline.Telemetry;

namespace Serverless.Local.Dashboard;

/// <summary>
/// The dashboard's share of the pipeline's own metrics: it listens in process to the <c>Serverless.Pipeline</c> meter,
/// as an exporter would, and keeps the end-to-end lag and batch durations of the last minute for the page.
/// </summary>
internal sealed class PipelineMetricsWindow : IDisposable
{
    private const int MaxMeasurements = 50_000;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly TimeProvider _time;
    private readonly MeterListener _listener = new();
    private readonly Queue<(DateTimeOffset At, double Seconds)> _lag = new();
    private readonly Queue<(DateTimeOffset At, double Seconds)> _batches = new();

    public PipelineMetricsWindow(TimeProvider time)
    {
        _time = time;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PipelineTelemetry.Name
                && instrument.Name is PipelineTelemetry.Instruments.EventLag or PipelineTelemetry.Instruments.BatchDuration)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
            Add(instrument.Name == PipelineTelemetry.Instruments.EventLag ? _lag : _batches, value));
        _listener.Start();
    }

    /// <summary>Percentiles of the last minute, in seconds; null where nothing was measured.</summary>
    public object Snapshot() => new
    {
        windowSeconds = Window.TotalSeconds,
        lag = Summarize(_lag),
        batchDuration = Summarize(_batches),
    };

    public void Dispose() => _listener.Dispose();

    private void Add(Queue<(DateTimeOffset At, double Seconds)> queue, double seconds)
    {
        var now = _time.GetUtcNow();
        lock (queue)
        {
            queue.Enqueue((now, seconds));
            Trim(queue, now);
        }
    }

    private object? Summarize(Queue<(DateTimeOffset At, double Seconds)> queue)
    {
        double[] values;
        lock (queue)
        {
            Trim(queue, _time.GetUtcNow());
            values = queue.Select(m => m.Seconds).Order().ToArray();
        }

        return values.Length == 0 ? null : new
        {
            count = values.Length,
            p50 = Percentile(values, 0.50),
            p99 = Percentile(values, 0.99),
            max = values[^1],
        };
    }

    private static void Trim(Queue<(DateTimeOffset At, double Seconds)> queue, DateTimeOffset now)
    {
        while (queue.Count > 0 && (queue.Count > MaxMeasurements || now - queue.Peek().At > Window))
        {
            queue.Dequeue();
        }
    }

    // Nearest rank on sorted values.
    private static double Percentile(double[] sorted, double fraction) =>
        sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
}
