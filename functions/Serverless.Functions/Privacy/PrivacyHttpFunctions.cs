using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Serverless.Functions.Http;
using Serverless.Pipeline.Http;

namespace Serverless.Functions.Privacy;

/// <summary>The privacy API over HTTP: the routes of <see cref="PipelineRoutes"/>, each handed to the library's surface.</summary>
/// <remarks>
/// The functions are anonymous at the Functions level because App Service authentication (Microsoft Entra ID) sits in
/// front of the app and the surface checks the caller's role (<see cref="AppServiceAuthenticator"/>).
/// </remarks>
public sealed class PrivacyHttpFunctions(FunctionsHttp http)
{
    [Function("PrivacyCreateErasure")]
    public Task<IActionResult> CreateErasureAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = PipelineRoutes.ErasuresTemplate)] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        http.RunAsync(PipelineRoutes.CreateErasure, request, client, cancellationToken);

    [Function("PrivacyListErasures")]
    public Task<IActionResult> ListErasuresAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = PipelineRoutes.ErasuresTemplate)] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        http.RunAsync(PipelineRoutes.ListErasures, request, client, cancellationToken);

    [Function("PrivacyGetErasure")]
    public Task<IActionResult> GetErasureAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = PipelineRoutes.ErasureTemplate)] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        http.RunAsync(PipelineRoutes.GetErasure, request, client, cancellationToken, (nameof(id), id));

    [Function("PrivacyApproveErasure")]
    public Task<IActionResult> ApproveErasureAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = PipelineRoutes.ApproveErasureTemplate)] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        http.RunAsync(PipelineRoutes.ApproveErasure, request, client, cancellationToken, (nameof(id), id));

    [Function("PrivacyCancelErasure")]
    public Task<IActionResult> CancelErasureAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = PipelineRoutes.CancelErasureTemplate)] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        http.RunAsync(PipelineRoutes.CancelErasure, request, client, cancellationToken, (nameof(id), id));

    [Function("PrivacyCreateExport")]
    public Task<IActionResult> CreateExportAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = PipelineRoutes.ExportsTemplate)] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        http.RunAsync(PipelineRoutes.CreateExport, request, client, cancellationToken);

    [Function("PrivacyGetExport")]
    public Task<IActionResult> GetExportAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = PipelineRoutes.ExportTemplate)] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        http.RunAsync(PipelineRoutes.GetExport, request, client, cancellationToken, (nameof(id), id));

    [Function("PrivacyVerifyAudit")]
    public Task<IActionResult> VerifyAuditAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = PipelineRoutes.VerifyAuditTemplate)] HttpRequest request,
        string tenant,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        http.RunAsync(PipelineRoutes.VerifyAudit, request, client, cancellationToken, (nameof(tenant), tenant));
}
