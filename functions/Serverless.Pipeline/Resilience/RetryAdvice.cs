namespace Serverless.Pipeline.Resilience;

/// <summary>What a refused client is told (Retry-After) when storage is unavailable or the event stream is full.</summary>
public static class RetryAdvice
{
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(5);
}
