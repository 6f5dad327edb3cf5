using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Serverless.DevKit.Azurite;

namespace Serverless.Local.Tests;

/// <summary>Its own Azurite, persisted to disk, so that the test can stop it mid-load and start it again.</summary>
public sealed class StorageOutageTests : IAsyncLifetime
{
    private const int PendingWhenStorageStops = 1;
    private const int FailedBatchesBeforeStorageStarts = 1;
    private const int RefusedRequestsBeforeStorageStarts = 1;
    private readonly string _location = Directory.CreateTempSubdirectory("azurite-outage").FullName;
    private AzuriteServer _azurite = null!;

    public async Task InitializeAsync() => _azurite = await AzuriteServer.StartAsync(_location);

    public async Task DisposeAsync()
    {
        await _azurite.DisposeAsync();
        Directory.Delete(_location, recursive: true);
    }

    [Fact]
    public async Task Ingest_StorageStoppedAndStartedDuringLoad_NothingAcceptedIsLostOrStoredTwice()
    {
        await using var runtime = new RuntimeFactory(_azurite, null, new Dictionary<string, string> { ["Local:Stream:BatchWait"] = "00:00:01" });
        using var client = runtime.CreateClient();
        var accepted = new ConcurrentBag<string>();
        var refused = 0;

        async Task SendAsync(int request)
        {
            var events = Enumerable.Range(0, 25).Select(i => Requests.PortalEvent($"o{request}-{i}", $"customer/{(request * 25 + i) % 120}"));
            var body = Requests.Utf8("[" + string.Join(',', events) + "]");
            var last = string.Empty;
            var sent = await Poll.UntilAsync(async () =>
            {
                using var response = await client.SendAsync(Requests.Standard(runtime, "client-portal", body, "application/cloudevents-batch+json", $"msg_o{request}"));
                if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK)
                {
                    using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    foreach (var id in json.RootElement.GetProperty("accepted").EnumerateArray())
                    {
                        accepted.Add(id.GetString()!);
                    }

                    return true;
                }

                last = $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
                Interlocked.Increment(ref refused);
                Assert.True(response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests, last);
                return false;
            }, TimeSpan.FromMinutes(3), TimeSpan.FromMilliseconds(100));
            if (!sent)
            {
                Assert.Fail($"request {request} was never accepted; last answer {last}");
            }
        }

        var load = Parallel.ForEachAsync(Enumerable.Range(0, 240), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (r, _) => await SendAsync(r));
        // Stop storage while accepted events wait in the stream (batches gather for a second), however slow the machine.
        await Poll.UntilAsync(() => runtime.Runtime.Stream.Pending >= PendingWhenStorageStops, TimeSpan.FromMinutes(1));

        var (blob, queue, table) = (_azurite.BlobPort, _azurite.QueuePort, _azurite.TablePort);
        var retriesBefore = runtime.Statistics.Retries;
        await _azurite.StopGracefullyAsync();
        await _azurite.DisposeAsync();
        // Down until the outage has shown on both sides: batches failed past the storage SDK's own retries (to be
        // redelivered), and ingestion refused requests.
        await Poll.UntilAsync(() => runtime.Statistics.Retries - retriesBefore >= FailedBatchesBeforeStorageStarts && Volatile.Read(ref refused) >= RefusedRequestsBeforeStorageStarts,
            TimeSpan.FromMinutes(2));
        _azurite = await AzuriteServer.StartAsync(_location, (blob, queue, table));
        Assert.Equal(blob, _azurite.BlobPort);
        await load;
        await runtime.DrainAsync();

        var stats = runtime.Statistics;
        Assert.Equal(6000, accepted.Distinct().Count());
        Assert.Equal(stats.Accepted, stats.Stored + stats.Quarantined + stats.Duplicates + stats.Suppressed);
        var raw = await runtime.BlobLinesAsync("raw");
        var ids = raw.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("id").GetString()).ToList();
        Assert.Equal(6000, ids.Distinct().Count());
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.True(stats.Retries > 0, "the outage should have made at least one batch fail and be redelivered");
        Assert.True(refused > 0, "ingestion should have answered 503 while storage was down");
    }
}
