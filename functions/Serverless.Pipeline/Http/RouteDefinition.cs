namespace Serverless.Pipeline.Http;

/// <summary>
/// One HTTP route of the pipeline, as both hosts serve it. <paramref name="Template"/> is relative to the <c>/api/</c>
/// prefix (the Functions host's route prefix); <paramref name="Name"/> is the Functions app's function name.
/// </summary>
/// <param name="Roles">Any one of these admits the caller; none means anonymous (webhooks prove themselves by signature).</param>
/// <param name="BodyLimit">The most bytes read from the body; 0 for routes that take no body.</param>
/// <param name="ContentTypes">The media types the body may have; empty for routes that take no body.</param>
public sealed record RouteDefinition(
    string Name,
    string Method,
    string Template,
    IReadOnlyList<string> Roles,
    int BodyLimit,
    IReadOnlyList<string> ContentTypes)
{
    public const string ApiPrefix = "/api/";

    /// <summary>The path the route answers on, with its template: <c>/api/ingest/{source}</c>.</summary>
    public string Path => ApiPrefix + Template;

    public bool TakesBody => BodyLimit > 0;
}
