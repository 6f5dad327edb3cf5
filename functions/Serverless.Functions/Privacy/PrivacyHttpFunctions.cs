using Azure;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Serverless.Functions.Hosting;
using Serverless.Functions.Http;
using Serverless.Pipeline.Ingestion;
using Serverless.Pipeline.Privacy.Api;
using Serverless.Pipeline.Privacy.Requests;

namespace Serverless.Functions.Privacy;

/// <summary>
/// The privacy API over HTTP: the routes and answers of the local runtime's, adapted to <see cref="PrivacyApi"/>.
/// </summary>
/// <remarks>
/// The functions are anonymous at the Functions level because App Service authentication (Microsoft Entra ID) sits in
/// front of the app: it validates the caller's token and passes the caller's claims in <c>X-MS-CLIENT-PRINCIPAL</c>,
/// a header that clients cannot set themselves while authentication is on. No principal (no token, or authentication
/// not enabled on the app) is 401; a principal without the <c>compliance</c> app role is 403.
/// </remarks>
public sealed partial class PrivacyHttpFunctions
{
    /// <summary>A privacy request body is a few hundred bytes; anything near this is not one.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    private const string Erasures = "privacy/erasures";
    private const string Exports = "privacy/exports";

    // The host's route prefix (host.json, extensions.http.routePrefix), for the Location of a new request.
    private const string RoutePrefix = "/api/";
    private static readonly TimeSpan _unavailableRetryAfter = TimeSpan.FromSeconds(5);

    private readonly PrivacyServices _privacy;
    private readonly IConfiguration _configuration;
    private readonly ILogger<PrivacyHttpFunctions> _logger;

    public PrivacyHttpFunctions(PrivacyServices privacy, IConfiguration configuration, ILogger<PrivacyHttpFunctions> logger)
    {
        _privacy = privacy;
        _configuration = configuration;
        _logger = logger;
    }

    [Function("PrivacyCreateErasure")]
    public Task<IActionResult> CreateErasureAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Erasures)] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        CreateAsync(request, client, RequestKinds.Erasure, RoutePrefix + Erasures, cancellationToken);

    [Function("PrivacyListErasures")]
    public Task<IActionResult> ListErasuresAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Erasures)] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        AuthorizedAsync(request, client, (api, _, ct) => api.ListAsync(RequestKinds.Erasure, request.Query["status"].FirstOrDefault(), ct), cancellationToken);

    [Function("PrivacyGetErasure")]
    public Task<IActionResult> GetErasureAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Erasures + "/{id}")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        AuthorizedAsync(request, client, (api, _, ct) => api.GetAsync(RequestKinds.Erasure, id, ct), cancellationToken);

    [Function("PrivacyApproveErasure")]
    public Task<IActionResult> ApproveErasureAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Erasures + "/{id}/approve")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        AuthorizedAsync(request, client, (api, caller, ct) => api.ApproveAsync(id, caller, ct), cancellationToken);

    [Function("PrivacyCancelErasure")]
    public Task<IActionResult> CancelErasureAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Erasures + "/{id}/cancel")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        AuthorizedAsync(request, client, (api, caller, ct) => api.CancelAsync(id, caller, ct), cancellationToken);

    [Function("PrivacyCreateExport")]
    public Task<IActionResult> CreateExportAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Exports)] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        CreateAsync(request, client, RequestKinds.Export, RoutePrefix + Exports, cancellationToken);

    [Function("PrivacyGetExport")]
    public Task<IActionResult> GetExportAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Exports + "/{id}")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        AuthorizedAsync(request, client, (api, _, ct) => api.GetAsync(RequestKinds.Export, id, ct), cancellationToken);

    [Function("PrivacyVerifyAudit")]
    public Task<IActionResult> VerifyAuditAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "privacy/audit/{tenant}/verify")] HttpRequest request,
        string tenant,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        AuthorizedAsync(request, client, (api, _, ct) => api.VerifyAuditAsync(tenant, ct), cancellationToken);

    /// <summary>
    /// The caller App Service authentication vouches for, or null. The header is trusted only while the platform says
    /// authentication is on (<see cref="AppSettings.AppServiceAuthenticationEnabled"/>).
    /// </summary>
    public Caller? Authenticate(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!string.Equals(_configuration[AppSettings.AppServiceAuthenticationEnabled], "true", StringComparison.OrdinalIgnoreCase))
        {
            if (request.Headers.ContainsKey(CallerAuthentication.AppServicePrincipalHeader))
            {
                LogPrincipalIgnored();
            }

            return null;
        }

        return CallerAuthentication.FromAppServicePrincipal(request.Headers[CallerAuthentication.AppServicePrincipalHeader].FirstOrDefault());
    }

    private Task<IActionResult> CreateAsync(HttpRequest request, DurableTaskClient client, string kind, string route, CancellationToken cancellationToken) =>
        AuthorizedAsync(request, client, async (api, caller, ct) =>
        {
            var (body, tooLarge) = await RequestBody.ReadAsync(request, MaxBodyBytes, ct).ConfigureAwait(false);
            if (tooLarge)
            {
                return ApiResponse.Refuse(413, "body-too-large", "Body too large", $"A privacy request body may be at most {MaxBodyBytes} bytes.");
            }

            var idempotencyKey = request.Headers["Idempotency-Key"].FirstOrDefault();
            return await api.CreateAsync(kind, caller, request.ContentType, body, idempotencyKey, route, ct).ConfigureAwait(false);
        }, cancellationToken);

    private async Task<IActionResult> AuthorizedAsync(HttpRequest request, DurableTaskClient client,
        Func<PrivacyApi, Caller, CancellationToken, Task<ApiResponse>> handle, CancellationToken cancellationToken)
    {
        var caller = Authenticate(request);
        if (caller is null)
        {
            return JsonResponse.From(ApiResponse.Unauthenticated());
        }

        if (!caller.IsComplianceOfficer)
        {
            return JsonResponse.From(ApiResponse.Forbidden());
        }

        try
        {
            var api = await _privacy.GetApiAsync(client, cancellationToken).ConfigureAwait(false);
            return JsonResponse.From(await handle(api, caller, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is RequestFailedException or RpcException or HttpRequestException or TimeoutException)
        {
            // Storage, or the Durable host the client talks to, could not be reached. Creating is idempotent with an
            // Idempotency-Key, and the other calls change nothing or raise an event the workflow takes once.
            LogUnavailable(ex, request.Path.Value ?? string.Empty);
            return JsonResponse.From(Problem.Of(503, "unavailable", "Service unavailable",
                "Storage or the workflow service could not be reached; send the request again after the given delay."), _unavailableRetryAfter);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A privacy API request carried X-MS-CLIENT-PRINCIPAL, but App Service authentication is not enabled on this app; the header was ignored and the request refused")]
    private partial void LogPrincipalIgnored();

    [LoggerMessage(Level = LogLevel.Error, Message = "Storage or the Durable host failed while serving {Path}")]
    private partial void LogUnavailable(Exception exception, string path);
}
