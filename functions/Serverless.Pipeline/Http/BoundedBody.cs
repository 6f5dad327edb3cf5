namespace Serverless.Pipeline.Http;

/// <summary>A body read up to a limit and no further: an oversized body is refused, never buffered whole.</summary>
public readonly record struct BoundedBody(ReadOnlyMemory<byte> Bytes, bool TooLarge)
{
    /// <summary>
    /// Reads <paramref name="body"/>; <c>TooLarge</c> when the declared length is over <paramref name="limit"/> or the
    /// bytes received pass it. At most one byte past the limit is buffered.
    /// </summary>
    public static async Task<BoundedBody> ReadAsync(Stream body, long? declaredLength, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (declaredLength > limit)
        {
            return new BoundedBody(ReadOnlyMemory<byte>.Empty, true);
        }

        var buffer = new byte[Math.Min(declaredLength ?? 16 * 1024, limit) + 1];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (buffer.Length > limit)
                {
                    return new BoundedBody(ReadOnlyMemory<byte>.Empty, true);
                }

                Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, limit + 1L));
            }

            var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return new BoundedBody(buffer.AsMemory(0, length), false);
            }

            length += read;
        }
    }
}
