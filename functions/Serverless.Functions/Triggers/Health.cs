using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.Http;
using Serverless.Pipeline.Http;

namespace Serverless.Functions.Triggers;

/// <summary>
/// <c>GET /api/health</c>: 200 once the pipeline is built (settings read, Key Vault references resolved, schemas
/// loaded, storage reached); otherwise 503 naming the missing settings, or the fault that stopped it. It says nothing
/// about where data is kept.
/// </summary>
public sealed class Health(FunctionsHttp http)
{
    [Function(nameof(Health))]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = PipelineRoutes.HealthTemplate)] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.RunAsync(PipelineRoutes.Health, request, null, cancellationToken);
}
