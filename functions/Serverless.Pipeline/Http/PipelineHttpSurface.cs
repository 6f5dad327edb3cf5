using Microsoft.Extensions.Logging;
using Serverless.Pipeline.Problems;

namespace Serverless.Pipeline.Http;

/// <summary>
/// Everything about a request that does not depend on the host, in one order for every route: the caller's role
/// (401/403), the body read up to the route's limit (413), its content type (415), then the route's endpoint, whose
/// failures are answered as the fault they are (<see cref="FaultClassifier"/>) and never as an empty 500.
/// </summary>
public sealed partial class PipelineHttpSurface
{
    private readonly ICallerAuthenticator _authenticator;
    private readonly FaultClassifier _faults;
    private readonly ILogger<PipelineHttpSurface> _logger;

    public PipelineHttpSurface(ICallerAuthenticator authenticator, FaultClassifier faults, ILogger<PipelineHttpSurface> logger)
    {
        _authenticator = authenticator;
        _faults = faults;
        _logger = logger;
    }

    public async Task<HttpAnswer> HandleAsync(RouteDefinition route, IncomingRequest request, IPipelineBackend backend, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(backend);
        var check = route.Roles.Count == 0 ? default : CallerCheck.Of(_authenticator, request, route.Roles);
        if (check.Refusal is { } refusal)
        {
            return refusal;
        }

        var body = ReadOnlyMemory<byte>.Empty;
        if (route.TakesBody)
        {
            var read = await BoundedBody.ReadAsync(request.Body, request.ContentLength, route.BodyLimit, cancellationToken).ConfigureAwait(false);
            if (read.TooLarge)
            {
                return HttpAnswer.Of(Problem.Of(413, "body-too-large", "Body too large", $"A request body on this route may be at most {route.BodyLimit} bytes."));
            }

            if (!Accepts(route, request.ContentType))
            {
                return HttpAnswer.Of(Problem.Of(415, "unsupported-media-type", "Unsupported content type",
                    $"This route accepts {string.Join(" or ", route.ContentTypes)}; got '{request.ContentType}'."));
            }

            body = read.Bytes;
        }

        try
        {
            return await PipelineEndpoints.InvokeAsync(route, request, body, check.Caller, backend, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Answer(ex, route.Name);
        }
    }

    /// <summary>The answer to a failure outside the surface (the local dashboard's routes), logged as the surface logs its own.</summary>
    public HttpAnswer Answer(Exception exception, string route)
    {
        var answer = _faults.Classify(exception);
        if (answer is null)
        {
            LogUnexpected(exception, route);
            return FaultClassifier.Unexpected;
        }

        LogFault(exception, route, answer.Status);
        return answer;
    }

    private static bool Accepts(RouteDefinition route, string? contentType)
    {
        var mediaType = contentType?.Split(';')[0].Trim();
        return !string.IsNullOrEmpty(mediaType) && route.ContentTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase);
    }

    [LoggerMessage(EventId = 3602, Level = LogLevel.Error, Message = "Route {Route} failed and was answered {Status}")]
    private partial void LogFault(Exception exception, string route, int status);

    [LoggerMessage(EventId = 3603, Level = LogLevel.Error, Message = "Route {Route} failed unexpectedly and was answered 500")]
    private partial void LogUnexpected(Exception exception, string route);
}
