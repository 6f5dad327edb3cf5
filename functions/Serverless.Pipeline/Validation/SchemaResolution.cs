using Serverless.Pipeline.Events;

namespace Serverless.Pipeline.Validation;

/// <summary>The schema for an event, or the rejection saying why there is none.</summary>
public readonly record struct SchemaResolution(EventSchema? Schema, Rejection? Rejection);
