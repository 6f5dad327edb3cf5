using Serverless.Pipeline.Http;
using Serverless.Pipeline.Ingestion;
using Serverless.Pipeline.Privacy.Api;

namespace Serverless.Local.Hosting;

/// <summary>The local runtime behind the pipeline's routes; its health also says where the data is and the stream's totals.</summary>
internal sealed class LocalBackend(LocalRuntime runtime) : IPipelineBackend
{
    public ValueTask<WebhookIngestor> GetIngestorAsync(CancellationToken cancellationToken) => ValueTask.FromResult(runtime.Ingestor);

    public ValueTask<PrivacyApi> GetPrivacyApiAsync(CancellationToken cancellationToken) => ValueTask.FromResult(runtime.Privacy);

    public Task<HttpAnswer> GetHealthAsync(CancellationToken cancellationToken)
    {
        var stats = runtime.Stream.Statistics;
        return Task.FromResult(new HttpAnswer(200, new
        {
            status = "ok",
            storage = runtime.Storage.Description,
            stream = new
            {
                accepted = stats.Accepted,
                recovered = stats.Recovered,
                pending = runtime.Stream.Pending,
                processed = stats.Processed,
                stored = stats.Stored,
                quarantined = stats.Quarantined,
                duplicates = stats.Duplicates,
                suppressed = stats.Suppressed,
                batches = stats.Batches,
                retries = stats.Retries,
                quarantinedByReason = stats.QuarantinedByReason.ToDictionary(p => p.Key.ToString(), p => p.Value),
                log = runtime.Stream.LogHealth(),
            },
        }));
    }
}
