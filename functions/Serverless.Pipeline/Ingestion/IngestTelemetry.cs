using System.Diagnostics;
using Serverless.Pipeline.Problems;
using static Serverless.Pipeline.Telemetry.PipelineTelemetry;

namespace Serverless.Pipeline.Ingestion;

/// <summary>
/// The trace and metrics of one webhook request: an "ingest" activity, current while the body is mapped so that every
/// event carries it as its <c>traceparent</c>, and the count of events handed to the stream.
/// </summary>
internal readonly struct IngestTelemetry : IDisposable
{
    private readonly Activity? _activity;
    private readonly string _source;
    private readonly string? _tenant;

    private IngestTelemetry(Activity? activity, string source, string? tenant)
    {
        _activity = activity;
        _source = source;
        _tenant = tenant;
    }

    /// <param name="tenant">The source's tenant; null when no such source is configured.</param>
    public static IngestTelemetry Start(string source, string? tenant)
    {
        var activity = Source.StartActivity(Activities.Ingest, ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(Tags.Source, source);
            activity.SetTag(Tags.Tenant, tenant);
        }

        return new IngestTelemetry(activity, source, tenant);
    }

    public void Complete(IngestResponse response)
    {
        var accepted = response.Status == 202 && response.Body is IngestAccepted body ? body : null;
        if (accepted is not null && accepted.Accepted.Count > 0)
        {
            // Only a known source answers 202, so the source tag never carries a name from an unknown URL.
            EventsAccepted.Add(accepted.Accepted.Count, new KeyValuePair<string, object?>(Tags.Source, _source), new KeyValuePair<string, object?>(Tags.Tenant, _tenant));
        }

        if (_activity is { IsAllDataRequested: true })
        {
            _activity.SetTag(Tags.Status, response.Status);
            if (accepted is not null)
            {
                _activity.SetTag(Tags.EventsMapped, accepted.Accepted.Count);
                _activity.SetTag(Tags.EventsRejected, accepted.Rejected.Count);
            }
            else if (response.Body is Problem { Errors: { } errors })
            {
                _activity.SetTag(Tags.EventsRejected, errors.Count);
            }
        }
    }

    public void Dispose() => _activity?.Dispose();
}
