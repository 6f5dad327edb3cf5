using Serverless.Pipeline.Ingestion;
using Serverless.Pipeline.Privacy.Api;
using Serverless.Pipeline.Privacy.Requests;

namespace Serverless.Pipeline.Http;

/// <summary>What each route of <see cref="PipelineRoutes"/> does, once the surface has admitted the request.</summary>
internal static class PipelineEndpoints
{
    private delegate Task<ApiResponse> PrivacyEndpoint(PrivacyApi api, PrivacyCall call, CancellationToken cancellationToken);

    private static readonly Dictionary<RouteDefinition, PrivacyEndpoint> Privacy = new()
    {
        [PipelineRoutes.CreateErasure] = (api, call, ct) => call.CreateAsync(api, RequestKinds.Erasure, ct),
        [PipelineRoutes.CreateExport] = (api, call, ct) => call.CreateAsync(api, RequestKinds.Export, ct),
        [PipelineRoutes.ListErasures] = (api, call, ct) => api.ListAsync(RequestKinds.Erasure, call.Request.QueryValue("status"), ct),
        [PipelineRoutes.GetErasure] = (api, call, ct) => api.GetAsync(RequestKinds.Erasure, call.Request.Route("id"), ct),
        [PipelineRoutes.GetExport] = (api, call, ct) => api.GetAsync(RequestKinds.Export, call.Request.Route("id"), ct),
        [PipelineRoutes.ApproveErasure] = (api, call, ct) => api.ApproveAsync(call.Request.Route("id"), call.Caller, ct),
        [PipelineRoutes.CancelErasure] = (api, call, ct) => api.CancelAsync(call.Request.Route("id"), call.Caller, ct),
        [PipelineRoutes.VerifyAudit] = (api, call, ct) => api.VerifyAuditAsync(call.Request.Route("tenant"), ct),
    };

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

        var endpoint = Privacy.GetValueOrDefault(route) ?? throw new InvalidOperationException($"No endpoint for route {route.Name}.");
        var officer = caller ?? throw new InvalidOperationException($"Route {route.Name} needs an authenticated caller.");
        var api = await backend.GetPrivacyApiAsync(cancellationToken).ConfigureAwait(false);
        return HttpAnswer.From(await endpoint(api, new PrivacyCall(route, request, body, officer), cancellationToken).ConfigureAwait(false));
    }

    private sealed record PrivacyCall(RouteDefinition Route, IncomingRequest Request, ReadOnlyMemory<byte> Body, Caller Caller)
    {
        public Task<ApiResponse> CreateAsync(PrivacyApi api, string kind, CancellationToken cancellationToken) =>
            api.CreateAsync(kind, Caller, Request.ContentType, Body, Request.Header("Idempotency-Key"), RouteDefinition.ApiPrefix + Route.Template, cancellationToken);
    }
}
