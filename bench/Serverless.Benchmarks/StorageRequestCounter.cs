using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Serverless.Benchmarks;

/// <summary>
/// Counts the HTTP requests the Azure SDK sends, by kind (service, method, operation and, for failures, status), as a
/// policy placed per retry in the Blob and Table client pipelines: a retried request counts each time it is sent.
/// </summary>
internal sealed partial class StorageRequestCounter(string tablePrefix)
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

    private string Operation(string service, Request request)
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
        if (method == "POST" && path.EndsWith("$batch", StringComparison.Ordinal))
        {
            return "transaction " + TransactionTable(request);
        }

        var segment = path[(path.LastIndexOf('/') + 1)..];
        var table = segment[..(segment.IndexOf('(', StringComparison.Ordinal) is var at and >= 0 ? at : segment.Length)];
        var operation = method switch
        {
            "POST" => "insert",
            "GET" when isEntity => "point read",
            "GET" => "query",
            "PUT" when conditional => "update (If-Match)",
            "PUT" => "upsert",
            "PATCH" or "MERGE" => "merge",
            "DELETE" => "delete",
            _ => "other",
        };
        return operation + " " + (table.StartsWith(tablePrefix, StringComparison.Ordinal) ? table[tablePrefix.Length..] : table);
    }

    // A transaction goes to the account's $batch address; the table is named in each change's address inside the body.
    private string TransactionTable(Request request)
    {
        using var body = new MemoryStream();
        request.Content?.WriteTo(body, CancellationToken.None);
        var match = ChangeAddress().Match(Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length));
        return match.Success ? match.Groups[1].Value[tablePrefix.Length..] : "?";
    }

    [GeneratedRegex(@"(?:POST|PUT|PATCH|MERGE|DELETE) \S*?/([a-z0-9]+)(?:\(|\?|\s)", RegexOptions.CultureInvariant)]
    private static partial Regex ChangeAddress();

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
