using NJsonSchema;

namespace Serverless.Pipeline.Validation;

/// <summary>One versioned schema for one event type, compiled once and shared by every batch.</summary>
public sealed class EventSchema
{
    public EventSchema(string eventType, SchemaVersion version, JsonSchema schema, IReadOnlyList<FieldRule> rules)
    {
        EventType = eventType;
        Version = version;
        Schema = schema;
        Rules = rules;
    }

    public string EventType { get; }
    public SchemaVersion Version { get; }
    public JsonSchema Schema { get; }
    public IReadOnlyList<FieldRule> Rules { get; }
}
