using Microsoft.AspNetCore.Mvc;
using Serverless.Pipeline.Http;

namespace Serverless.Functions.Http;

/// <summary>The library's answer (<see cref="HttpAnswer"/>) as the function's result: status, headers and JSON body.</summary>
public sealed class JsonResponse(HttpAnswer answer) : IActionResult
{
    public HttpAnswer Answer { get; } = answer;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.HttpContext.Response;
        response.StatusCode = Answer.Status;
        response.ContentType = Answer.ContentType;
        foreach (var (name, value) in Answer.Headers())
        {
            response.Headers[name] = value;
        }

        await Answer.WriteBodyAsync(response.Body, context.HttpContext.RequestAborted).ConfigureAwait(false);
    }
}
