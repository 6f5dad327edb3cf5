namespace Serverless.Local.Tests;

/// <summary>
/// A clock that follows real time, shifted by <see cref="Advance"/>, unless a test pins it (so that signatures made at
/// a known time verify).
/// </summary>
internal sealed class ManualClock(DateTimeOffset? pinned) : TimeProvider
{
    private DateTimeOffset? _pinned = pinned;
    private TimeSpan _offset;

    public DateTimeOffset Now
    {
        get => _pinned ?? DateTimeOffset.UtcNow + _offset;
        set => _pinned = value;
    }

    public void Advance(TimeSpan by) => _offset += by;

    public override DateTimeOffset GetUtcNow() => Now;
}
