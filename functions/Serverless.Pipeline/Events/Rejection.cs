namespace Serverless.Pipeline.Events;

/// <summary>A typed rejection with every violation found.</summary>
public sealed record Rejection(RejectionReason Reason, IReadOnlyList<Violation> Violations)
{
    public static Rejection Of(RejectionReason reason, string path, string keyword, string message) =>
        new(reason, [new Violation(path, keyword, message)]);
}
