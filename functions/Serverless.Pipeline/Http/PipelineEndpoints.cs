using Serverless.Pipeline.Ingestion;
using Serverless.Pipeline.Privacy.Api;
using Serverless.Pipeline.Privacy.Requests;

namespace Serverless.Pipeline.Http;

/// <summary>What each route of <see cref="PipelineRoutes"/> does, once the surface has admitted the request.</summary>
internal static class PipelineEndpoints
{
    public static async Task<HttpAnswer> InvokeAsync(RouteDefinition route, IncomingRequest request, ReadOnlyMemory<byte> body, Caller? caller,
        IPipelineBackend backend, CancellationToken cancellationToken)
    {
        if (route == PipelineRoutes.Ingest)
        {
            var ingestor = await backend.GetIngestorAsync(cancellationToken).ConfigureAwait(false);
            var ingest = new IngestRequest(request.Route("source"), request.ContentType, request.Headers, body, BodyTooLarge: false);
            return HttpAnswer.From(await ingestor.IngestAsync(ingest, cancellationToken).ConfigureAwait(false));
        }

        if (route == PipelineRoutes.Health)
        {
            return await backend.GetHealthAsync(cancellationToken).ConfigureAwait(false);
        }

        var api = await backend.GetPrivacyApiAsync(cancellationToken).ConfigureAwait(false);
        var officer = caller ?? throw new InvalidOperationException($"Route {route.Name} needs an authenticated caller.");
        var response = route.Name switch
        {
            "PrivacyCreateErasure" => await CreateAsync(api, RequestKinds.Erasure).ConfigureAwait(false),
            "PrivacyCreateExport" => await CreateAsync(api, RequestKinds.Export).ConfigureAwait(false),
            "PrivacyListErasures" => await api.ListAsync(RequestKinds.Erasure, request.QueryValue("status"), cancellationToken).ConfigureAwait(false),
            "PrivacyGetErasure" => await api.GetAsync(RequestKinds.Erasure, request.Route("id"), cancellationToken).ConfigureAwait(false),
            "PrivacyGetExport" => await api.GetAsync(RequestKinds.Export, request.Route("id"), cancellationToken).ConfigureAwait(false),
            "PrivacyApproveErasure" => await api.ApproveAsync(request.Route("id"), officer, cancellationToken).ConfigureAwait(false),
            "PrivacyCancelErasure" => await api.CancelAsync(request.Route("id"), officer, cancellationToken).ConfigureAwait(false),
            "PrivacyVerifyAudit" => await api.VerifyAuditAsync(request.Route("tenant"), cancellationToken).ConfigureAwait(false),
            _ => throw new InvalidOperationException($"No endpoint for route {route.Name}."),
        };
        return HttpAnswer.From(response);

        Task<ApiResponse> CreateAsync(PrivacyApi privacy, string kind) =>
            privacy.CreateAsync(kind, officer, request.ContentType, body, request.Header("Idempotency-Key"), RouteDefinition.ApiPrefix + route.Template, cancellationToken);
    }
}
