using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.Http;
using Serverless.Pipeline.Http;

namespace Serverless.Functions.Triggers;

/// <summary><c>POST /api/ingest/{source}</c>: a signed webhook from a configured source, handed to the ingestion stage.</summary>
public sealed class IngestWebhook(FunctionsHttp http)
{
    /// <remarks>
    /// Anonymous at the Functions level on purpose: webhook senders cannot hold a function key, and every request is
    /// verified by its source's signature (Standard Webhooks or HMAC-SHA256) before anything is read from it.
    /// </remarks>
    [Function(nameof(IngestWebhook))]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = PipelineRoutes.IngestTemplate)] HttpRequest request,
        string source,
        CancellationToken cancellationToken) =>
        http.RunAsync(PipelineRoutes.Ingest, request, null, cancellationToken, (nameof(source), source));
}
