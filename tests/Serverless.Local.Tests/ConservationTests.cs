using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Serverless.Local.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class ConservationTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Ingest_ThousandsOfEventsConcurrently_AcceptedEqualsStoredPlusQuarantinedPlusDuplicates()
    {
        await using var runtime = new RuntimeFactory(azurite.Server);
        using var client = runtime.CreateClient();
        var accepted = new ConcurrentBag<int>();
        var statuses = new ConcurrentBag<HttpStatusCode>();

        await Parallel.ForEachAsync(Enumerable.Range(0, 80), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (r, ct) =>
        {
            var events = Enumerable.Range(0, 50).Select(i => (i % 17) switch
            {
                0 => Requests.PortalEvent($"r{r}-e{i}", $"customer/{(r * 50 + i) % 300}", data: """{"path":"no-slash"}"""),
                1 => Requests.PortalEvent($"r{r}-e{i + 5}", $"customer/{(r * 50 + i + 5) % 300}"),
                2 => Requests.PortalEvent($"r{(r + 1) % 80}-e{i + 4}", $"customer/{((r + 1) % 80 * 50 + i + 4) % 300}"),
                _ => Requests.PortalEvent($"r{r}-e{i}", $"customer/{(r * 50 + i) % 300}"),
            });
            var body = Requests.Utf8("[" + string.Join(',', events) + "]");
            using var response = await client.SendAsync(Requests.Standard(runtime, "client-portal", body, "application/cloudevents-batch+json"), ct);
            statuses.Add(response.StatusCode);
            accepted.Add(JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("accepted").GetArrayLength());
        });
        await runtime.DrainAsync();

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Accepted, s));
        var stats = runtime.Statistics;
        Assert.Equal(4000, accepted.Sum());
        Assert.Equal(4000, stats.Accepted);
        Assert.Equal(stats.Accepted, stats.Stored + stats.Quarantined + stats.Duplicates);
        // Per request: 3 invalid events (i = 0, 17, 34), 3 resent within it and 3 resent from the next request.
        Assert.Equal((3280, 240, 480), (stats.Stored, stats.Quarantined, stats.Duplicates));
        Assert.Equal(stats.Stored, (await runtime.BlobLinesAsync("raw")).Count);
        Assert.Equal(stats.Quarantined, (await runtime.BlobLinesAsync("quarantine")).Count);
    }

    [Fact]
    public async Task Shutdown_WithEventsStillInTheStream_ProcessesEveryAcceptedEventFirst()
    {
        var runtime = new RuntimeFactory(azurite.Server, null, new Dictionary<string, string> { ["Local:Stream:BatchWait"] = "00:00:02" });
        using var client = runtime.CreateClient();
        var events = Enumerable.Range(0, 200).Select(i => Requests.PortalEvent($"drain-{i}", $"customer/{i % 50}"));
        var response = await client.SendAsync(Requests.Standard(runtime, "client-portal", Requests.Utf8("[" + string.Join(',', events) + "]"), "application/cloudevents-batch+json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True(runtime.Runtime.Stream.Pending > 0);

        await runtime.DisposeAsync();

        Assert.Equal(200, (await runtime.BlobLinesAsync("raw")).Count);
    }
}
