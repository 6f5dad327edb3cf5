using Serverless.Pipeline.Problems;

namespace Serverless.Pipeline.Ingestion;

/// <summary>An accepted event, as a structured-mode CloudEvent, with the partition key that keeps a customer's events in order.</summary>
public sealed record MappedEvent(string Id, string PartitionKey, byte[] Body)
{
    public static string PartitionKeyFor(string tenant, string subject) => tenant + "|" + subject;
}

/// <summary>What a request body turned into: a refusal of the whole request, or events with per-event errors.</summary>
public sealed class MappingResult
{
    public Problem? Failure { get; init; }
    public List<MappedEvent> Events { get; } = [];
    public List<EventError> Errors { get; } = [];

    public static MappingResult Fail(Problem problem) => new() { Failure = problem };
}
