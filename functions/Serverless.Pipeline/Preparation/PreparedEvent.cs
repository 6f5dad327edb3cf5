using System.Text.Json.Nodes;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Preparation;

/// <summary>An event that passed every check: normalized and enriched, with its contact fields and a pseudonymized copy of its data.</summary>
/// <param name="Data">The data as stored: normalized, addresses anonymized, as UTF-8 JSON.</param>
/// <param name="PseudonymizedData">The data as the views hold it: personal values replaced by their join keys, as JSON text.</param>
public sealed record PreparedEvent(
    IncomingEvent Incoming,
    PipelineEvent Event,
    EventSchema Schema,
    IReadOnlyDictionary<ContactField, string> Contact,
    ReadOnlyMemory<byte> Data,
    string PseudonymizedData)
{
    /// <summary>What the schema's <c>x-enrich</c> rules derived from the data.</summary>
    public Enrichment.EventEnrichments Enrichments { get; init; } = new();

    /// <summary>A new tree of the stored data (for tools and tests; the pipeline itself writes the bytes).</summary>
    public JsonObject ParseData() => JsonNode.Parse(Data.Span)!.AsObject();

    /// <summary>A new tree of the pseudonymized data.</summary>
    public JsonObject ParsePseudonymizedData() => JsonNode.Parse(PseudonymizedData)!.AsObject();
}

/// <summary>An event that failed a check, with what could be read of it before it failed.</summary>
public sealed record RejectedEvent(IncomingEvent Incoming, Rejection Rejection, PipelineEvent? Event)
{
    /// <summary>The emails and phones it carries, valid or not, for suppression and the identity index.</summary>
    public EventIdentifiers Identifiers { get; init; } = EventIdentifiers.None;
}

/// <summary>What preparation made of one event: exactly one of the two is set.</summary>
public readonly record struct PreparationOutcome(PreparedEvent? Prepared, RejectedEvent? Rejected)
{
    public static PreparationOutcome Accept(PreparedEvent prepared) => new(prepared, null);
    public static PreparationOutcome Reject(RejectedEvent rejected) => new(null, rejected);
}
