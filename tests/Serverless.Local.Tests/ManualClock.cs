namespace Serverless.Local.Tests;

/// <summary>A clock the test sets, so that signatures made at a known time verify.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
