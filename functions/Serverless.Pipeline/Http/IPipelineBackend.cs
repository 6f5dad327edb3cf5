using Serverless.Pipeline.Ingestion;
using Serverless.Pipeline.Privacy.Api;

namespace Serverless.Pipeline.Http;

/// <summary>What a host puts behind the routes: its ingestion stage, its privacy API and its health.</summary>
public interface IPipelineBackend
{
    ValueTask<WebhookIngestor> GetIngestorAsync(CancellationToken cancellationToken);

    ValueTask<PrivacyApi> GetPrivacyApiAsync(CancellationToken cancellationToken);

    /// <summary>200 with what the host can say about itself; a failure throws, and is answered as the fault it is.</summary>
    Task<HttpAnswer> GetHealthAsync(CancellationToken cancellationToken);
}
