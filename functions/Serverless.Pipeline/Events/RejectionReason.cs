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
}
