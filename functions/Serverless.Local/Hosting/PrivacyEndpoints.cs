using System.Text.Json;
using Serverless.Pipeline.Privacy.Api;
using Serverless.Pipeline.Privacy.Requests;

namespace Serverless.Local.Hosting;

/// <summary>
/// Adapts the privacy routes to the pipeline's privacy API. Locally callers authenticate with an API key
/// (<c>X-Api-Key</c>, keys and roles from <c>Privacy:ApiKeys</c>); only the compliance role gets in.
/// </summary>
internal static class PrivacyEndpoints
{
    private const string Erasures = "/api/privacy/erasures";
    private const string Exports = "/api/privacy/exports";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Map(WebApplication app)
    {
        app.MapPost(Erasures, (HttpContext http, LocalRuntime runtime) => CreateAsync(http, runtime, RequestKinds.Erasure, Erasures));
        app.MapGet(Erasures, (HttpContext http, LocalRuntime runtime, string? status) =>
            AuthorizedAsync(http, runtime, (_, ct) => runtime.Privacy.ListAsync(RequestKinds.Erasure, status, ct)));
        app.MapGet(Erasures + "/{id}", (HttpContext http, LocalRuntime runtime, string id) =>
            AuthorizedAsync(http, runtime, (_, ct) => runtime.Privacy.GetAsync(RequestKinds.Erasure, id, ct)));
        app.MapPost(Erasures + "/{id}/approve", (HttpContext http, LocalRuntime runtime, string id) =>
            AuthorizedAsync(http, runtime, (caller, ct) => runtime.Privacy.ApproveAsync(id, caller, ct)));
        app.MapPost(Erasures + "/{id}/cancel", (HttpContext http, LocalRuntime runtime, string id) =>
            AuthorizedAsync(http, runtime, (caller, ct) => runtime.Privacy.CancelAsync(id, caller, ct)));
        app.MapPost(Exports, (HttpContext http, LocalRuntime runtime) => CreateAsync(http, runtime, RequestKinds.Export, Exports));
        app.MapGet(Exports + "/{id}", (HttpContext http, LocalRuntime runtime, string id) =>
            AuthorizedAsync(http, runtime, (_, ct) => runtime.Privacy.GetAsync(RequestKinds.Export, id, ct)));
        app.MapGet("/api/privacy/audit/{tenant}/verify", (HttpContext http, LocalRuntime runtime, string tenant) =>
            AuthorizedAsync(http, runtime, (_, ct) => runtime.Privacy.VerifyAuditAsync(tenant, ct)));
    }

    private static Task CreateAsync(HttpContext http, LocalRuntime runtime, string kind, string route) =>
        AuthorizedAsync(http, runtime, async (caller, ct) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, ct);
            var idempotencyKey = http.Request.Headers["Idempotency-Key"].FirstOrDefault();
            return await runtime.Privacy.CreateAsync(kind, caller, http.Request.ContentType, buffer.ToArray(), idempotencyKey, route, ct);
        });

    private static async Task AuthorizedAsync(HttpContext http, LocalRuntime runtime, Func<Caller, CancellationToken, Task<ApiResponse>> handle)
    {
        var caller = CallerAuthentication.FromApiKey(http.Request.Headers[CallerAuthentication.ApiKeyHeader].FirstOrDefault(), runtime.ApiKeys);
        var response = caller is null ? ApiResponse.Unauthenticated()
            : !caller.IsComplianceOfficer ? ApiResponse.Forbidden()
            : await handle(caller, http.RequestAborted);
        http.Response.StatusCode = response.Status;
        http.Response.ContentType = response.ContentType;
        if (response.Location is not null)
        {
            http.Response.Headers.Location = response.Location;
        }

        await JsonSerializer.SerializeAsync(http.Response.Body, response.Body, response.Body.GetType(), Json, http.RequestAborted);
    }
}
