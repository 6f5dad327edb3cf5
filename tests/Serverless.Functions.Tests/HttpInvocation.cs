using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Serverless.Functions.Http;
using Serverless.Pipeline.Privacy.Api;

namespace Serverless.Functions.Tests;

/// <summary>Requests for the app's HTTP functions on a real <see cref="DefaultHttpContext"/>, and their results as written to a response.</summary>
internal static class HttpInvocation
{
    public static HttpRequest Request(string? principal, object? jsonBody = null)
    {
        var context = new DefaultHttpContext();
        if (principal is not null)
        {
            context.Request.Headers[CallerAuthentication.AppServicePrincipalHeader] = principal;
        }

        if (jsonBody is not null)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(jsonBody);
            context.Request.Method = HttpMethods.Post;
            context.Request.ContentType = "application/json";
            context.Request.ContentLength = bytes.Length;
            context.Request.Body = new MemoryStream(bytes);
        }

        return context.Request;
    }

    public static Dictionary<string, string> Headers(string? principal = null) =>
        principal is null ? [] : new() { [CallerAuthentication.AppServicePrincipalHeader] = principal };

    // The header App Service authentication passes: base64 JSON of the token's claims, app roles as "roles".
    public static string Principal(string name, string role) => Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
    {
        auth_typ = "aad",
        name_typ = "name",
        role_typ = "roles",
        claims = new[] { new { typ = "name", val = name }, new { typ = "roles", val = role } },
    })));

    public static async Task<(int Status, string ContentType, JsonDocument Body)> RunAsync(Task<IActionResult> invocation)
    {
        var result = Assert.IsType<JsonResponse>(await invocation);
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, context.Response.ContentType!, await JsonDocument.ParseAsync(context.Response.Body));
    }
}
