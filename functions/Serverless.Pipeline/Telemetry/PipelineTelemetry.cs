using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Serverless.Pipeline.Telemetry;

/// <summary>
/// The pipeline's traces and metrics, with System.Diagnostics alone: hosts subscribe to <see cref="Name"/> with
/// OpenTelemetry (or anything else that listens). The instrument, activity and tag names are a contract that
/// dashboards and the Application Insights workbook rely on: change none of them.
/// </summary>
public static class PipelineTelemetry
{
    /// <summary>The name of both the activity source and the meter.</summary>
    public const string Name = "Serverless.Pipeline";

    private static readonly string? Version = typeof(PipelineTelemetry).Assembly.GetName().Version?.ToString();

    public static readonly ActivitySource Source = new(Name, Version);

    public static readonly Meter Meter = new(Name, Version);

    internal static readonly Counter<long> EventsAccepted = Meter.CreateCounter<long>(Instruments.EventsAccepted, "{event}",
        "Events a webhook request handed to the stream.");

    internal static readonly Counter<long> EventsStored = Meter.CreateCounter<long>(Instruments.EventsStored, "{event}",
        "Events written to the raw archive and the views.");

    internal static readonly Counter<long> EventsQuarantined = Meter.CreateCounter<long>(Instruments.EventsQuarantined, "{event}",
        "Events written to quarantine, by reason.");

    internal static readonly Counter<long> EventsDuplicates = Meter.CreateCounter<long>(Instruments.EventsDuplicates, "{event}",
        "Events dropped because their id was already stored.");

    internal static readonly Counter<long> EventsSuppressed = Meter.CreateCounter<long>(Instruments.EventsSuppressed, "{event}",
        "Events dropped because their person asked to be erased.");

    internal static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>(Instruments.BatchSize, "{event}",
        "Events in one processed batch.");

    internal static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>(Instruments.BatchDuration, "s",
        "Time to process one batch, from preparing its first event to updating the views.");

    internal static readonly Histogram<double> EventLag = Meter.CreateHistogram<double>(Instruments.EventLag, "s",
        "Time from an event's acceptance by the stream to the storing of its batch.");

    internal static readonly Counter<long> PrivacyRequests = Meter.CreateCounter<long>(Instruments.PrivacyRequests, "{request}",
        "Privacy requests entering a state (one per transition).");

    internal static readonly Histogram<double> PrivacyRequestAge = Meter.CreateHistogram<double>(Instruments.PrivacyRequestAge, "s",
        "Age of a privacy request, in seconds since it was registered, when it enters a state.");

    internal static readonly Counter<long> EnrichmentsMissing = Meter.CreateCounter<long>(Instruments.EnrichmentsMissing, "{enrichment}",
        "Enrichments that could not run on a stored event, by kind and reason.");

    /// <summary>Instrument names.</summary>
    public static class Instruments
    {
        public const string EventsAccepted = "pipeline.events.accepted";
        public const string EventsStored = "pipeline.events.stored";
        public const string EventsQuarantined = "pipeline.events.quarantined";
        public const string EventsDuplicates = "pipeline.events.duplicates";
        public const string EventsSuppressed = "pipeline.events.suppressed";
        public const string BatchSize = "pipeline.batch.size";
        public const string BatchDuration = "pipeline.batch.duration";
        public const string EventLag = "pipeline.event.lag";
        public const string PrivacyRequests = "pipeline.privacy.requests";
        public const string PrivacyRequestAge = "pipeline.privacy.request.age";
        public const string EnrichmentsMissing = "pipeline.enrichments.missing";
    }

    /// <summary>Activity (span) names.</summary>
    public static class Activities
    {
        public const string Ingest = "ingest";
        public const string ProcessBatch = "process batch";
        public const string ClaimEventIds = "claim event ids";
        public const string WriteRawBlobs = "write raw blobs";
        public const string WriteQuarantineBlobs = "write quarantine blobs";
        public const string UpdateViews = "update views";
    }

    /// <summary>Tag names on measurements and activities.</summary>
    public static class Tags
    {
        public const string Source = "source";
        public const string Tenant = "tenant";
        public const string Reason = "reason";
        public const string StreamPartition = "stream.partition";
        public const string Kind = "kind";
        public const string State = "state";

        /// <summary>The HTTP status the ingestion answered.</summary>
        public const string Status = "pipeline.status";
        public const string EventsMapped = "pipeline.events.mapped";
        public const string EventsRejected = "pipeline.events.rejected";
        public const string BatchSize = "pipeline.batch.size";
        public const string FirstSequence = "pipeline.batch.first_sequence";
        public const string LastSequence = "pipeline.batch.last_sequence";
        public const string Stored = "pipeline.events.stored";
        public const string Quarantined = "pipeline.events.quarantined";
        public const string Duplicates = "pipeline.events.duplicates";
        public const string Suppressed = "pipeline.events.suppressed";
        public const string Claims = "pipeline.claims";

        /// <summary>Names (container/blob) of the raw archive blobs a batch wrote.</summary>
        public const string RawBlobs = "pipeline.blobs.raw";

        /// <summary>Names (container/blob) of the quarantine blobs a batch wrote.</summary>
        public const string QuarantineBlobs = "pipeline.blobs.quarantine";

        /// <summary>The customer rows (Table partition keys) whose views a batch updated, at most <see cref="MaxNamedCustomers"/>.</summary>
        public const string Customers = "pipeline.customers";
        public const string CustomerCount = "pipeline.customers.count";
    }

    /// <summary>A batch links to at most this many events' traces; the rest are counted, not linked.</summary>
    public const int MaxLinks = 128;

    /// <summary>An activity names at most this many customer rows.</summary>
    public const int MaxNamedCustomers = 128;
}
