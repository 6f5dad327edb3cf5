namespace Serverless.Pipeline.Tests.Support;

/// <summary>A clock that stands still, so that two runs write byte-identical state.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
