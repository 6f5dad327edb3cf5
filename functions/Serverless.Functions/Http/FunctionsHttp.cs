using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask.Client;
using Serverless.Functions.Hosting;
using Serverless.Functions.Privacy;
using Serverless.Pipeline.Http;

namespace Serverless.Functions.Http;

/// <summary>
/// Adapts an HTTP function's invocation to the library's surface: the request as it came, the values its trigger bound
/// from the route, and the answer back as the function's result.
/// </summary>
public sealed class FunctionsHttp(PipelineHttpSurface surface, AzureClients clients, PipelineProvider pipeline, PrivacyServices privacy)
{
    public async Task<IActionResult> RunAsync(RouteDefinition route, HttpRequest request, DurableTaskClient? client, CancellationToken cancellationToken,
        params (string Name, string Value)[] routeValues)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(request);
        var incoming = new IncomingRequest(
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            routeValues.ToDictionary(v => v.Name, v => v.Value, StringComparer.OrdinalIgnoreCase),
            request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            request.ContentType,
            request.ContentLength,
            request.Body);
        var backend = new FunctionsBackend(clients, pipeline, privacy, client);
        return new JsonResponse(await surface.HandleAsync(route, incoming, backend, cancellationToken).ConfigureAwait(false));
    }
}
