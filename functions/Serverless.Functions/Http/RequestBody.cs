using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Serverless.Functions.Http;

/// <summary>Reads a request body up to a limit, and no further: an oversized body is refused, not buffered.</summary>
public static class RequestBody
{
    /// <summary>
    /// The body, or <c>TooLarge</c> when the declared length is over <paramref name="limit"/> or the bytes received
    /// pass it. Reading stops as soon as the buffered bytes exceed the limit.
    /// </summary>
    public static async Task<(ReadOnlyMemory<byte> Body, bool TooLarge)> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > limit)
        {
            return (ReadOnlyMemory<byte>.Empty, true);
        }

        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffered = result.Buffer;
            if (buffered.Length > limit)
            {
                reader.AdvanceTo(buffered.End);
                return (ReadOnlyMemory<byte>.Empty, true);
            }

            if (result.IsCompleted)
            {
                var body = buffered.ToArray();
                reader.AdvanceTo(buffered.End);
                return (body, false);
            }

            // Keep everything buffered and ask for more.
            reader.AdvanceTo(buffered.Start, buffered.End);
        }
    }
}
