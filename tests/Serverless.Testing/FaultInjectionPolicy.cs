using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Serverless.Testing;

/// <summary>
/// Fails storage requests that match a predicate, a set number of times, the way a crash or an outage would. It runs
/// before the SDK's retry policy, so the failure reaches the pipeline instead of being retried away.
/// </summary>
public sealed class FaultInjectionPolicy : HttpPipelinePolicy
{
    private readonly Func<HttpMessage, bool> _matches;
    private readonly int _status;
    private int _remaining;

    /// <param name="status">503 (the default) stands for an outage or a crash; 400 for storage refusing the request itself.</param>
    public FaultInjectionPolicy(Func<HttpMessage, bool> matches, int times, int status = 503)
    {
        _matches = matches;
        _remaining = times;
        _status = status;
    }

    public int Injected { get; private set; }

    /// <summary>Whether the request's body mentions <paramref name="text"/> (a table name in a batch, an activity name in a row).</summary>
    public static bool BodyMentions(HttpMessage message, string text)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Request.Content is null)
        {
            return false;
        }

        using var buffer = new MemoryStream();
        message.Request.Content.WriteTo(buffer, CancellationToken.None);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()).Contains(text, StringComparison.Ordinal);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ThrowIfFault(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ThrowIfFault(message);
        return ProcessNextAsync(message, pipeline);
    }

    private void ThrowIfFault(HttpMessage message)
    {
        if (_matches(message) && Interlocked.Decrement(ref _remaining) >= 0)
        {
            Injected++;
            throw new RequestFailedException(_status, "Injected fault.", _status == 400 ? "InvalidInput" : "ServerBusy", null);
        }
    }
}
