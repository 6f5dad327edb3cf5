using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Serverless.Pipeline.Telemetry;

namespace Serverless.Testing;

/// <summary>One measurement of a pipeline instrument, with its tags.</summary>
public sealed record RecordedMeasurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    public string? Tag(string name) => Tags.TryGetValue(name, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;
}

/// <summary>
/// Listens to the pipeline's activity source (and any other named ones) and meter for the length of a test. Tests
/// run side by side, so each picks out its own activities and measurements (by trace, partition or source).
/// </summary>
public sealed class TelemetryRecorder : IDisposable
{
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ConcurrentQueue<RecordedMeasurement> _measurements = new();

    public TelemetryRecorder(params string[] moreSources)
    {
        var sources = new HashSet<string>(moreSources, StringComparer.Ordinal) { PipelineTelemetry.Name };
        _activities = new ActivityListener
        {
            ShouldListenTo = source => sources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_activities);

        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PipelineTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.Start();
    }

    /// <summary>Every activity that has stopped since the recorder started.</summary>
    public IReadOnlyList<Activity> Activities => [.. _stopped];

    /// <summary>The measurements of one instrument whose tags include every given one.</summary>
    public IReadOnlyList<RecordedMeasurement> Measurements(string instrument, params (string Name, string Value)[] having) =>
        _measurements.Where(m => m.Instrument == instrument && having.All(t => m.Tag(t.Name) == t.Value)).ToList();

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue(new RecordedMeasurement(instrument.Name, value, copy));
    }
}
