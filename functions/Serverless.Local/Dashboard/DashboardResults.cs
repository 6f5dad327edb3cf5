using System.Text.Json;
using Serverless.Pipeline.Problems;

namespace Serverless.Local.Dashboard;

/// <summary>The dashboard API's answers: JSON that is never cached, and RFC 9457 problems.</summary>
internal static class DashboardResults
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IResult Ok(object body) => new NoStore(Results.Json(body, Json));

    public static IResult Problem(Problem problem) => new NoStore(Results.Json(problem, Json, Pipeline.Problems.Problem.ContentType, problem.Status));

    // Customer data must not linger in a browser or proxy cache.
    private sealed class NoStore(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.CacheControl = "no-store";
            return inner.ExecuteAsync(httpContext);
        }
    }
}
