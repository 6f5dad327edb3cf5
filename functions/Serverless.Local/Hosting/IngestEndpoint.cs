using System.Globalization;
using System.Text.Json;
using Serverless.Pipeline.Ingestion;

namespace Serverless.Local.Hosting;

/// <summary>Adapts <c>POST /api/ingest/{source}</c> to the pipeline's ingestion stage.</summary>
internal static class IngestEndpoint
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task HandleAsync(HttpContext context, string source, LocalRuntime runtime)
    {
        var cancellationToken = context.RequestAborted;
        var (body, tooLarge) = await ReadBodyAsync(context.Request, cancellationToken).ConfigureAwait(false);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new IngestRequest(source, context.Request.ContentType, headers, body, tooLarge);

        var response = await runtime.Ingestor.IngestAsync(request, cancellationToken).ConfigureAwait(false);
        await WriteAsync(context.Response, response, cancellationToken).ConfigureAwait(false);
    }

    public static async Task WriteAsync(HttpResponse http, IngestResponse response, CancellationToken cancellationToken)
    {
        http.StatusCode = response.Status;
        http.ContentType = response.ContentType;
        if (response.RetryAfter is { } retryAfter)
        {
            http.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        await JsonSerializer.SerializeAsync(http.Body, response.Body, response.Body.GetType(), Json, cancellationToken).ConfigureAwait(false);
    }

    // Reads at most one byte past the limit, so an oversized body is refused without buffering it.
    private static async Task<(ReadOnlyMemory<byte> Body, bool TooLarge)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > IngestionLimits.MaxBodyBytes)
        {
            return (ReadOnlyMemory<byte>.Empty, true);
        }

        var buffer = new byte[Math.Min(request.ContentLength ?? 16 * 1024, IngestionLimits.MaxBodyBytes) + 1];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (buffer.Length > IngestionLimits.MaxBodyBytes)
                {
                    return (ReadOnlyMemory<byte>.Empty, true);
                }

                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, IngestionLimits.MaxBodyBytes + 1));
            }

            var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return (buffer.AsMemory(0, length), false);
            }

            length += read;
        }
    }
}
