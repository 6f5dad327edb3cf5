namespace Serverless.Pipeline.Validation;

/// <summary>One versioned schema for one event type, compiled once and shared by every batch.</summary>
public sealed class EventSchema
{
    public EventSchema(string eventType, SchemaVersion version, CompiledSchema compiled, IReadOnlyList<FieldRule> rules)
    {
        EventType = eventType;
        Version = version;
        Compiled = compiled;
        Rules = rules;
    }

    public string EventType { get; }
    public SchemaVersion Version { get; }

    /// <summary>The schema's assertions and field rules as the event pass reads them.</summary>
    public CompiledSchema Compiled { get; }

    public IReadOnlyList<FieldRule> Rules { get; }
}
