namespace Serverless.Pipeline.Views;

/// <summary>A blob that holds some of a subject's events, for the subject index.</summary>
public sealed record BlobRef(string Container, string Name, int EventCount);
