namespace Serverless.Pipeline.Events;

/// <summary>Why an event went to quarantine. The names are stable: they appear in blobs, counters and APIs.</summary>
public enum RejectionReason
{
    MalformedEnvelope,
    MissingTenant,
    InvalidTenant,
    MissingSubject,
    UnsupportedDataContentType,
    DataNotObject,
    UnknownEventType,
    UnknownSchemaVersion,
    SchemaViolation,
    NormalizationFailed,

    /// <summary>Preparing the event threw: a fault in the code or a schema for this input, the same on every try.</summary>
    ProcessingFailed,

    /// <summary>Storing the event's views failed on every bounded retry while the rest of its batch could be stored.</summary>
    PoisonEvent,
}
