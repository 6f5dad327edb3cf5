using Azure.Core;
using Azure.Core.Pipeline;

namespace Serverless.CrashTarget;

/// <summary>Holds back, for good, every storage request whose URL or body mentions all the texts: the process is killed there.</summary>
internal sealed class HoldBackPolicy(IReadOnlyList<string> mentioning) : HttpPipelinePolicy
{
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (Mentions(message))
        {
            await Console.Out.WriteLineAsync("holding").ConfigureAwait(false);
            await Task.Delay(Timeout.Infinite, message.CancellationToken).ConfigureAwait(false);
        }

        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
    }

    private bool Mentions(HttpMessage message)
    {
        var text = message.Request.Uri.ToString();
        if (message.Request.Content is not null)
        {
            using var buffer = new MemoryStream();
            message.Request.Content.WriteTo(buffer, CancellationToken.None);
            text += "\n" + System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }

        return mentioning.All(m => text.Contains(m, StringComparison.Ordinal));
    }
}
