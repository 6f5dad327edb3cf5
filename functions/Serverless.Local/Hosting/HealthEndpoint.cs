namespace Serverless.Local.Hosting;

/// <summary><c>GET /api/health</c>: whether the pipeline is up, where it stores, and the stream's totals.</summary>
internal static class HealthEndpoint
{
    public static IResult Handle(LocalRuntime runtime)
    {
        var stats = runtime.Stream.Statistics;
        return Results.Ok(new
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
        });
    }
}
