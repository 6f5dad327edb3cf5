using Serverless.Pipeline.Ingestion;
using Serverless.Pipeline.Storage;

namespace Serverless.Local.Hosting;

/// <summary>
/// Turns a failure of storage into a 503 problem with Retry-After rather than a bare 500: nothing of the request was
/// accepted, and the caller may send it again.
/// </summary>
internal sealed partial class ProblemMiddleware(RequestDelegate next, ILogger<ProblemMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (StorageFaults.IsUnavailable(ex) && !context.Response.HasStarted)
        {
            LogUnavailable(ex, context.Request.Path);
            var problem = Problem.Of(503, "storage-unavailable", "Storage unavailable", "Storage could not be reached; nothing from this request was accepted. Retry later.");
            await IngestEndpoint.WriteAsync(context.Response, IngestResponse.From(problem, TimeSpan.FromSeconds(5)), context.RequestAborted);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Storage failed while serving {Path}")]
    private partial void LogUnavailable(Exception exception, string path);
}
