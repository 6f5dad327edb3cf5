namespace Serverless.CrashTarget;

/// <summary>The parent's clock, so that the state this process leaves compares exactly with a clean run's.</summary>
internal sealed class StoppedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
