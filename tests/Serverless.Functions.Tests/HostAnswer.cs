using System.Text.Json.Nodes;

namespace Serverless.Functions.Tests;

/// <summary>An answer of either host, reduced to what the parity tests compare: status, the headers that matter, the JSON body.</summary>
public sealed record HostAnswer(int Status, string? ContentType, string? RetryAfter, string? Location, JsonNode? Body)
{
    public string? ProblemType => Body?["type"]?.GetValue<string>();
    public string? Detail => Body?["detail"]?.GetValue<string>();
}

/// <summary>A request as both hosts are sent it: the same bytes and headers.</summary>
public sealed record HostRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, byte[]? Body = null, string? ContentType = null)
{
    public string Path => PathAndQuery.Split('?')[0];
    public string Query => PathAndQuery.Contains('?', StringComparison.Ordinal) ? PathAndQuery[PathAndQuery.IndexOf('?', StringComparison.Ordinal)..] : string.Empty;
}
