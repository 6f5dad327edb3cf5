using Microsoft.DurableTask.Client;
using Serverless.Functions.Hosting;
using Serverless.Functions.Privacy;
using Serverless.Pipeline.Http;
using Serverless.Pipeline.Ingestion;
using Serverless.Pipeline.Privacy.Api;

namespace Serverless.Functions.Http;

/// <summary>The Functions app behind the routes of one invocation; the privacy routes need the invocation's Durable client.</summary>
public sealed class FunctionsBackend(AzureClients clients, PipelineProvider pipeline, PrivacyServices privacy, DurableTaskClient? client) : IPipelineBackend
{
    public ValueTask<WebhookIngestor> GetIngestorAsync(CancellationToken cancellationToken) => pipeline.GetIngestorAsync(cancellationToken);

    public ValueTask<PrivacyApi> GetPrivacyApiAsync(CancellationToken cancellationToken) =>
        privacy.GetApiAsync(client ?? throw new InvalidOperationException("The privacy routes need the invocation's Durable client."), cancellationToken);

    /// <summary>200 once every setting is there and the pipeline is built (Key Vault references resolved, storage reached).</summary>
    public async Task<HttpAnswer> GetHealthAsync(CancellationToken cancellationToken)
    {
        clients.ThrowIfAnyMissing();
        await pipeline.GetServicesAsync(cancellationToken).ConfigureAwait(false);
        return new HttpAnswer(200, new { status = "ok" });
    }
}
