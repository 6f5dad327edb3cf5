using System.Diagnostics;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Telemetry;
using Serverless.Pipeline.Views;
using static Serverless.Pipeline.Telemetry.PipelineTelemetry;

namespace Serverless.Pipeline.Processing;

/// <summary>
/// The trace and metrics of one processed batch: a consumer activity linked to the traces its events were ingested
/// in, child activities for its steps, and the batch's account as metrics when it completes. Disposed without
/// completing, the activity is marked failed. Costs next to nothing when nobody listens.
/// </summary>
internal sealed class BatchTelemetry : IDisposable
{
    private readonly IReadOnlyList<IncomingEvent> _batch;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly Activity? _activity;
    private bool _completed;

    private BatchTelemetry(IReadOnlyList<IncomingEvent> batch, TimeProvider time, Activity? activity)
    {
        _batch = batch;
        _time = time;
        _activity = activity;
        _started = time.GetTimestamp();
    }

    public static BatchTelemetry Start(IReadOnlyList<IncomingEvent> batch, TimeProvider time)
    {
        var activity = Source.StartActivity(Activities.ProcessBatch, ActivityKind.Consumer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(Tags.StreamPartition, batch[0].Position.PartitionId);
            activity.SetTag(Tags.FirstSequence, batch[0].Position.SequenceNumber);
            activity.SetTag(Tags.LastSequence, batch[^1].Position.SequenceNumber);
            activity.SetTag(Tags.BatchSize, batch.Count);
        }

        return new BatchTelemetry(batch, time, activity);
    }

    /// <summary>Links the batch to the trace each event was ingested in, once per ingestion, up to <see cref="MaxLinks"/>.</summary>
    public void Link(IEnumerable<PipelineEvent?> events)
    {
        if (_activity is null)
        {
            return;
        }

        var linked = new HashSet<ActivityContext>();
        foreach (var e in events)
        {
            if (linked.Count == MaxLinks)
            {
                break;
            }

            if (TraceParent.TryParse(e?.TraceParent, out var context) && linked.Add(context))
            {
                _activity.AddLink(new ActivityLink(context));
            }
        }
    }

    /// <summary>Records the batch's account: what was stored, quarantined (by reason), dropped; its size, duration and each stored event's lag.</summary>
    public void Complete(BatchResult result)
    {
        _completed = true;
        var partition = new KeyValuePair<string, object?>(Tags.StreamPartition, _batch[0].Position.PartitionId);
        AddIfAny(EventsStored, result.Stored, partition);
        AddIfAny(EventsDuplicates, result.Duplicates, partition);
        AddIfAny(EventsSuppressed, result.Suppressed, partition);
        foreach (var (reason, count) in result.QuarantinedByReason)
        {
            EventsQuarantined.Add(count, partition, new KeyValuePair<string, object?>(Tags.Reason, reason.ToString()));
        }

        BatchSize.Record(_batch.Count, partition);
        BatchDuration.Record(_time.GetElapsedTime(_started).TotalSeconds, partition);
        if (EventLag.Enabled)
        {
            var storedAt = _time.GetUtcNow();
            foreach (var outcome in result.Outcomes.Where(o => o.Disposition == EventDisposition.Stored))
            {
                EventLag.Record(Math.Max(0, (storedAt - _batch[outcome.Index].EnqueuedTime).TotalSeconds), partition);
            }
        }

        if (_activity is { IsAllDataRequested: true })
        {
            _activity.SetTag(Tags.Stored, result.Stored);
            _activity.SetTag(Tags.Quarantined, result.Quarantined);
            _activity.SetTag(Tags.Duplicates, result.Duplicates);
            _activity.SetTag(Tags.Suppressed, result.Suppressed);
        }
    }

    public void Dispose()
    {
        if (!_completed)
        {
            _activity?.SetStatus(ActivityStatusCode.Error, "The batch failed and will be delivered again.");
        }

        _activity?.Dispose();
    }

    /// <summary>A child activity for one step of the batch.</summary>
    public static Activity? StartStep(string name) => Source.StartActivity(name);

    /// <summary>Names the blobs a step wrote, as container/blob.</summary>
    public static void TagBlobs(Activity? step, string tag, string container, IEnumerable<string> blobs)
    {
        if (step is { IsAllDataRequested: true })
        {
            step.SetTag(tag, blobs.Select(b => container + "/" + b).Order(StringComparer.Ordinal).ToArray());
        }
    }

    /// <summary>
    /// Names the customers a step updated by their join keys, up to <see cref="MaxNamedCustomers"/>, and counts them all.
    /// Telemetry outlives an erasure (it stays in Application Insights for its retention), so it never carries a
    /// customer id: the join key finds the customer's rows for whoever holds the pseudonymization key.
    /// </summary>
    public static void TagCustomers(Activity? step, IReadOnlyCollection<SubjectBatch> subjects, Keys.Pseudonymizer pseudonymizer)
    {
        if (step is { IsAllDataRequested: true })
        {
            step.SetTag(Tags.CustomerCount, subjects.Count);
            step.SetTag(Tags.Customers, subjects.Take(MaxNamedCustomers).Select(s => pseudonymizer.JoinKey(s.Tenant, s.Subject)).ToArray());
        }
    }

    private static void AddIfAny(System.Diagnostics.Metrics.Counter<long> counter, int count, KeyValuePair<string, object?> tag)
    {
        if (count > 0)
        {
            counter.Add(count, tag);
        }
    }
}
