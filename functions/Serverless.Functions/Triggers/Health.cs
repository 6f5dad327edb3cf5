using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Serverless.Functions.Hosting;
using Serverless.Functions.Http;
using Serverless.Pipeline.Ingestion;

namespace Serverless.Functions.Triggers;

/// <summary>
/// <c>GET /api/health</c>: 200 once the pipeline is built (settings read, Key Vault references resolved, schemas
/// loaded, storage reached), 503 otherwise. It says nothing about where data is kept.
/// </summary>
public sealed partial class Health
{
    private readonly PipelineProvider _pipeline;
    private readonly ILogger<Health> _logger;

    public Health(PipelineProvider pipeline, ILogger<Health> logger)
    {
        _pipeline = pipeline;
        _logger = logger;
    }

    [Function(nameof(Health))]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        try
        {
            await _pipeline.GetServicesAsync(cancellationToken).ConfigureAwait(false);
            return new JsonResponse(StatusCodes.Status200OK, new { status = "ok" }, "application/json");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogUnhealthy(ex);
            return JsonResponse.From(Problem.Of(503, "unhealthy", "Pipeline unavailable",
                "The pipeline could not be built; the app's logs say why."), TimeSpan.FromSeconds(30));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Health check failed: the pipeline could not be built")]
    private partial void LogUnhealthy(Exception exception);
}
