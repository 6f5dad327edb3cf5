using Serverless.Pipeline.Events;

namespace Serverless.Pipeline.Views;

/// <summary>One event to count: in which tenant's daily counter, under which name, from which stream position.</summary>
public sealed record CounterIncrement(string Tenant, DateOnly Day, string Name, StreamPosition Position);
