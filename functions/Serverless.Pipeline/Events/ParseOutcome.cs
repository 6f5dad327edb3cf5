namespace Serverless.Pipeline.Events;

/// <summary>Either a parsed event or the rejection that explains why there is none.</summary>
public readonly struct ParseOutcome
{
    private ParseOutcome(PipelineEvent? parsedEvent, Rejection? rejection)
    {
        Event = parsedEvent;
        Rejection = rejection;
    }

    public PipelineEvent? Event { get; }
    public Rejection? Rejection { get; }

    public static ParseOutcome Parsed(PipelineEvent parsedEvent) => new(parsedEvent, null);
    public static ParseOutcome Rejected(Rejection rejection) => new(null, rejection);
}
