using Serverless.Pipeline.Events;

namespace Serverless.Pipeline.Dedupe;

/// <summary>A request to record that (tenant, event id) was accepted at a stream position.</summary>
public sealed record EventClaim(string Tenant, string EventId, StreamPosition Position);
