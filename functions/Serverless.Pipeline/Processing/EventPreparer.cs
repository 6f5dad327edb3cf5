using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Normalization;
using Serverless.Pipeline.Privacy;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Processing;

/// <summary>
/// The CPU half of processing, with no I/O: parse the envelope, validate data against its schema, normalize,
/// pseudonymize. Safe to call from several threads at once.
/// </summary>
public sealed class EventPreparer
{
    private readonly EnvelopeParser _parser = new();
    private readonly SchemaRegistry _schemas;
    private readonly Pseudonymizer _pseudonymizer;
    private readonly PipelineOptions _options;

    public EventPreparer(SchemaRegistry schemas, Pseudonymizer pseudonymizer, PipelineOptions options)
    {
        _schemas = schemas;
        _pseudonymizer = pseudonymizer;
        _options = options;
    }

    public Preparation Prepare(IncomingEvent incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        var parsed = _parser.Parse(incoming.Body, incoming.EnqueuedTime);
        if (parsed.Event is not { } pipelineEvent)
        {
            return Preparation.Reject(new RejectedEvent(incoming, parsed.Rejection!, null));
        }

        var resolution = _schemas.Resolve(pipelineEvent.Type, pipelineEvent.DataSchema);
        if (resolution.Schema is not { } schema)
        {
            return Preparation.Reject(new RejectedEvent(incoming, resolution.Rejection!, pipelineEvent));
        }

        var violations = SchemaValidator.Validate(schema, pipelineEvent.DataJson);
        if (violations.Count > 0)
        {
            return Preparation.Reject(new RejectedEvent(incoming, new Rejection(RejectionReason.SchemaViolation, violations), pipelineEvent));
        }

        var fields = new NormalizedFields();
        var normalizationErrors = EventNormalizer.Normalize(pipelineEvent, schema, _options.RegionFor(pipelineEvent.Tenant), fields);
        if (normalizationErrors.Count > 0)
        {
            return Preparation.Reject(new RejectedEvent(incoming, new Rejection(RejectionReason.NormalizationFailed, normalizationErrors), pipelineEvent));
        }

        return Preparation.Accept(new PreparedEvent(incoming, pipelineEvent, schema, fields.Contact, _pseudonymizer.Pseudonymize(pipelineEvent, schema)));
    }
}
