namespace Serverless.Pipeline.Events;

/// <summary>One reason an event was rejected: where (a JSON path into the event), which rule, and a message.</summary>
public sealed record Violation(string Path, string Keyword, string Message);
