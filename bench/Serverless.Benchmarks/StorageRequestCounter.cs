using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Serverless.Benchmarks;

/// <summary>
/// Counts the HTTP requests the Azure SDK sends, by kind (service, method, operation and, for failures, status), as a
/// policy placed per retry in the Blob and Table client pipelines: a retried request counts each time it is sent.
/// </summary>
internal sealed class StorageRequestCounter
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public HttpPipelinePolicy PolicyFor(string service) => new CountingPolicy(this, service);

    public long Total => _counts.Values.Sum();

    public IReadOnlyDictionary<string, long> Snapshot() => new SortedDictionary<string, long>(_counts, StringComparer.Ordinal);

    public void Reset() => _counts.Clear();

    private void Count(string service, HttpMessage message)
    {
        var status = message.HasResponse && message.Response.Status >= 400 ? $" ({message.Response.Status})" : "";
        _counts.AddOrUpdate($"{service} {message.Request.Method} {Operation(service, message.Request)}{status}", 1, (_, n) => n + 1);
    }

    internal static string Operation(string service, Request request)
    {
        var path = request.Uri.Path;
        var query = request.Uri.Query;
        var method = request.Method.Method;
        if (service == "blob")
        {
            return method switch
            {
                "PUT" when query.Contains("comp=block", StringComparison.Ordinal) => "put block",
                "PUT" => "put blob",
                "GET" when query.Contains("comp=list", StringComparison.Ordinal) => "list",
                "GET" => "get blob",
                "HEAD" => "get properties",
                "DELETE" => "delete blob",
                _ => "other",
            };
        }

        var isEntity = path.EndsWith(")", StringComparison.Ordinal) && path.Contains("PartitionKey=", StringComparison.Ordinal);
        var conditional = request.Headers.TryGetValue("If-Match", out var ifMatch) && ifMatch != "*";
        return method switch
        {
            "POST" when path.EndsWith("$batch", StringComparison.Ordinal) => "transaction",
            "POST" => "insert",
            "GET" when isEntity => "point read",
            "GET" => "query",
            "PUT" when conditional => "update (If-Match)",
            "PUT" => "upsert",
            "PATCH" or "MERGE" => "merge",
            "DELETE" => "delete",
            _ => "other",
        };
    }

    private sealed class CountingPolicy(StorageRequestCounter counter, string service) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            try
            {
                ProcessNext(message, pipeline);
            }
            finally
            {
                counter.Count(service, message);
            }
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            try
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
            finally
            {
                counter.Count(service, message);
            }
        }
    }
}
