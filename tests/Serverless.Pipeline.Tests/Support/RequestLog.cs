using System.Collections.Concurrent;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Serverless.Pipeline.Tests.Support;

/// <summary>
/// Records every storage request a client sends (method, path and query, status), so that a test can say which
/// requests a step made. Optionally loses the response of one matching request after storage has carried it out, the
/// way a connection dropped at the wrong moment would.
/// </summary>
internal sealed class RequestLog(Func<HttpMessage, bool>? loseResponseOf = null) : HttpPipelinePolicy
{
    private readonly ConcurrentQueue<(string Method, string Path, string Query, int Status)> _requests = new();
    private int _responsesToLose = loseResponseOf is null ? 0 : 1;

    public IReadOnlyList<(string Method, string Path, string Query, int Status)> Requests => [.. _requests];

    public void Clear() => _requests.Clear();

    /// <summary>Point reads of customer profiles.</summary>
    public int ProfileReads => Requests.Count(r => r.Method == "GET" && Uri.UnescapeDataString(r.Path).Contains("RowKey='profile'", StringComparison.Ordinal));

    /// <summary>Requests of the given method to the table whose name ends with <paramref name="table"/>.</summary>
    public int To(string method, string table) =>
        Requests.Count(r => r.Method == method && r.Path.Split('/')[^1].Split('(')[0].EndsWith(table, StringComparison.Ordinal));

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ProcessNext(message, pipeline);
        Record(message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        Record(message);
    }

    private void Record(HttpMessage message)
    {
        _requests.Enqueue((message.Request.Method.Method, message.Request.Uri.Path, message.Request.Uri.Query, message.Response.Status));
        if (loseResponseOf is not null && message.Response.Status < 300 && loseResponseOf(message) && Interlocked.Decrement(ref _responsesToLose) >= 0)
        {
            throw new RequestFailedException(503, "Response lost after storage carried out the request.", "ServerBusy", null);
        }
    }
}
