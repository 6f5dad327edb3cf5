using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Enrichment;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Preparation;

/// <summary>
/// The CPU half of processing, with no I/O: read the envelope, then one pass over the data that validates it against
/// its schema, normalizes, enriches and pseudonymizes (<see cref="EventPass"/>). Safe to call from several threads at once.
/// </summary>
public sealed class EventPreparer
{
    private readonly EnvelopeParser _parser = new();
    private readonly SchemaRegistry _schemas;
    private readonly Pseudonymizer _pseudonymizer;
    private readonly PipelineOptions _options;
    private readonly EventEnricher _enricher;

    public EventPreparer(SchemaRegistry schemas, Pseudonymizer pseudonymizer, PipelineOptions options, EventEnricher? enricher = null)
    {
        _schemas = schemas;
        _pseudonymizer = pseudonymizer;
        _options = options;
        _enricher = enricher ?? new EventEnricher(options, pseudonymizer, GeoSource.None);
    }

    /// <summary>
    /// Prepares one event. Preparation is CPU work over this event alone, so an exception here would recur on every try:
    /// the event is rejected as <see cref="RejectionReason.ProcessingFailed"/> instead of failing its batch for ever.
    /// The exception's message is not kept, since it can quote the event's data.
    /// </summary>
    public PreparationOutcome Prepare(IncomingEvent incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        try
        {
            return PrepareUnguarded(incoming);
        }
        catch (Exception ex) when (Storage.StorageFaults.IsPermanent(ex))
        {
            var rejection = Rejection.Of(RejectionReason.ProcessingFailed, "$", "processing", $"Preparing the event threw {ex.GetType().Name}.");
            return Reject(incoming, rejection, ReadEnvelope(incoming));
        }
    }

    private PreparationOutcome PrepareUnguarded(IncomingEvent incoming)
    {
        var parsed = _parser.Parse(incoming.Body, incoming.EnqueuedTime);
        if (parsed.Event is not { } pipelineEvent)
        {
            return PreparationOutcome.Reject(new RejectedEvent(incoming, parsed.Rejection!, null));
        }

        var resolution = _schemas.Resolve(pipelineEvent.Type, pipelineEvent.DataSchema);
        if (resolution.Schema is not { } schema)
        {
            return Reject(incoming, resolution.Rejection!, pipelineEvent);
        }

        var tenant = pipelineEvent.Tenant;
        var fields = new FieldWriter(tenant, _options.RegionFor(tenant), _pseudonymizer, _enricher);
        EventPassResult result;
        try
        {
            result = EventPass.Run(pipelineEvent.DataUtf8.Span, schema, fields);
        }
        catch (JsonException ex)
        {
            return Reject(incoming, Rejection.Of(RejectionReason.MalformedEnvelope, "$.data", "json", ex.Message), pipelineEvent);
        }

        if (result.Violations.Count > 0)
        {
            return Reject(WithoutFullAddresses(incoming, pipelineEvent, schema), new Rejection(RejectionReason.SchemaViolation, result.Violations), pipelineEvent);
        }

        if (fields.NormalizationErrors is { } normalizationErrors)
        {
            return Reject(WithoutFullAddresses(incoming, pipelineEvent, schema), new Rejection(RejectionReason.NormalizationFailed, normalizationErrors), pipelineEvent);
        }

        return PreparationOutcome.Accept(new PreparedEvent(incoming, pipelineEvent, schema, fields.Contact, result.Stored, result.Pseudonymized)
        {
            Enrichments = fields.Enrichments,
        });
    }

    // A quarantined event keeps its body for replay, but not a full IP address: the declared address fields are
    // anonymized in the body as they would have been had the event been stored (anonymizing again changes nothing).
    private IncomingEvent WithoutFullAddresses(IncomingEvent incoming, PipelineEvent pipelineEvent, EventSchema schema)
    {
        if (!schema.Rules.Any(r => r.Enrich is { Kind: EnrichAs.Ip }))
        {
            return incoming;
        }

        try
        {
            if (JsonNode.Parse(incoming.Body.Span) is JsonObject envelope && envelope["data"] is JsonObject data
                && _enricher.AnonymizeAddresses(data, pipelineEvent.Tenant, schema))
            {
                return incoming with { Body = System.Text.Encoding.UTF8.GetBytes(envelope.ToJsonString()) };
            }
        }
        catch (JsonException)
        {
            // Not a JSON body with a JSON data object: nothing declared can be found in it.
        }

        return incoming;
    }

    // A readable event that failed a check keeps its identifiers, so that suppression and the identity index see it.
    private PreparationOutcome Reject(IncomingEvent incoming, Rejection rejection, PipelineEvent? pipelineEvent) =>
        PreparationOutcome.Reject(new RejectedEvent(incoming, rejection, pipelineEvent)
        {
            Identifiers = pipelineEvent is null ? EventIdentifiers.None : EventIdentifiers.Read(pipelineEvent, _options.RegionFor(pipelineEvent.Tenant)),
        });

    // What the envelope alone says, for an event whose preparation threw: its tenant and subject let the subject index
    // find it in quarantine for an erasure. Null when even the envelope cannot be read.
    private PipelineEvent? ReadEnvelope(IncomingEvent incoming)
    {
        try
        {
            return _parser.Parse(incoming.Body, incoming.EnqueuedTime).Event;
        }
        catch (Exception ex) when (Storage.StorageFaults.IsPermanent(ex))
        {
            return null;
        }
    }
}
