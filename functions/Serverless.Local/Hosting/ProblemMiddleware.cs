using Serverless.Pipeline.Http;

namespace Serverless.Local.Hosting;

/// <summary>
/// Answers a failure of the routes outside the pipeline's table (the dashboard's) as the surface answers its own: an
/// outage is 503 with Retry-After, a denied role 500 naming it, anything else a 500 problem rather than an empty body.
/// </summary>
internal sealed class ProblemMiddleware(RequestDelegate next, PipelineHttpSurface surface)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            await LocalHttp.WriteAsync(context.Response, surface.Answer(ex, context.Request.Path), context.RequestAborted);
        }
    }
}
