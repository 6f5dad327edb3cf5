namespace Serverless.Pipeline.Http;

/// <summary>
/// A request as any host hands it over: headers and query by case-insensitive name, the values the route template
/// bound, and the body still unread (the surface reads it, bounded, once the caller is admitted).
/// </summary>
public sealed record IncomingRequest(
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyDictionary<string, string> RouteValues,
    IReadOnlyDictionary<string, string> Query,
    string? ContentType,
    long? ContentLength,
    Stream Body)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name);

    public string Route(string name) => RouteValues.GetValueOrDefault(name) ?? string.Empty;

    public string? QueryValue(string name) => Query.GetValueOrDefault(name);
}
