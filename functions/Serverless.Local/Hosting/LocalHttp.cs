using Serverless.Pipeline.Http;

namespace Serverless.Local.Hosting;

/// <summary>
/// Serves the pipeline's route table (<see cref="PipelineRoutes"/>) on Kestrel: each request is handed to the
/// library's surface as it came, and its answer written back. Callers authenticate with an API key.
/// </summary>
internal static class LocalHttp
{
    public static IServiceCollection AddPipelineHttp(this IServiceCollection services)
    {
        // Resolved on first use, after the runtime has read Privacy:ApiKeys.
        services.AddSingleton<ICallerAuthenticator>(provider => new ApiKeyAuthenticator(() => provider.GetRequiredService<LocalRuntime>().ApiKeys));
        services.AddSingleton(new FaultClassifier());
        services.AddSingleton<PipelineHttpSurface>();
        return services;
    }

    public static void MapPipelineRoutes(this WebApplication app)
    {
        foreach (var route in PipelineRoutes.All)
        {
            app.MapMethods(route.Path, [route.Method], (HttpContext http, LocalRuntime runtime, PipelineHttpSurface surface) =>
                HandleAsync(http, route, runtime, surface));
        }
    }

    public static IncomingRequest ToIncoming(HttpRequest request) => new(
        request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
        request.RouteValues.ToDictionary(v => v.Key, v => Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, StringComparer.OrdinalIgnoreCase),
        request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.OrdinalIgnoreCase),
        request.ContentType,
        request.ContentLength,
        request.Body);

    public static async Task WriteAsync(HttpResponse response, HttpAnswer answer, CancellationToken cancellationToken)
    {
        response.StatusCode = answer.Status;
        response.ContentType = answer.ContentType;
        foreach (var (name, value) in answer.Headers())
        {
            response.Headers[name] = value;
        }

        await answer.WriteBodyAsync(response.Body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The caller of a local-only route (the dashboard), or the 401/403 answer.</summary>
    public static CallerCheck Authorize(HttpContext http, params string[] roles) =>
        CallerCheck.Of(http.RequestServices.GetRequiredService<ICallerAuthenticator>(), ToIncoming(http.Request), roles);

    private static async Task HandleAsync(HttpContext http, RouteDefinition route, LocalRuntime runtime, PipelineHttpSurface surface)
    {
        var answer = await surface.HandleAsync(route, ToIncoming(http.Request), new LocalBackend(runtime), http.RequestAborted).ConfigureAwait(false);
        await WriteAsync(http.Response, answer, http.RequestAborted).ConfigureAwait(false);
    }
}
