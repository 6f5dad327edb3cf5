using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Serverless.DevKit.Webhooks;

namespace Serverless.Local.Tests;

/// <summary>
/// The runtime killed for real (SIGKILL, in a process of its own) with accepted events not yet processed, then started
/// again on the same log: every event it answered 202 for ends up in storage exactly once, stored or quarantined.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CrashRecoveryTests(AzuriteFixture azurite) : IDisposable
{
    private const int Requests = 120;
    private const int EventsPerRequest = 25;
    private readonly string _prefix = "k" + Guid.NewGuid().ToString("N")[..10];
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("stream-log-crash").FullName;
    private readonly int _port = RuntimeProcess.FreePort();

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    [Fact]
    public async Task Runtime_KilledWhileAcceptedEventsArePending_StoresEachAcceptedEventOnceAfterARestart()
    {
        var load = new CrashLoad(_port, _prefix);
        var sending = load.SendAllAsync();
        // Batches gather for longer than the load takes to arrive, so accepted events wait in the log, however fast the machine.
        using (var first = await RuntimeProcess.StartAsync(_port, Settings(azurite.Server.ConnectionString, batchWait: "00:00:30")))
        {
            await PollAsync(first, h => h.GetProperty("log").GetProperty("unprocessedEvents").GetInt32() >= 1_000);
            await first.KillAsync();
        }

        await RestartAndVerifyAsync(load, sending);
    }

    [Fact]
    public async Task Runtime_KilledDuringABatchsStorageWrites_StoresEachAcceptedEventOnceAfterARestart()
    {
        var blob = new Uri(ConnectionPart(azurite.Server.ConnectionString, "BlobEndpoint"));
        var table = new Uri(ConnectionPart(azurite.Server.ConnectionString, "TableEndpoint"));
        // The archive is the last write of a batch, after its event ids and customer views: holding it leaves the batch half written.
        await using var blobProxy = await StorageProxy.StartAsync(new Uri(blob, "/"), text => text.StartsWith("PUT /devstoreaccount1/" + _prefix + "raw/", StringComparison.Ordinal));
        await using var tableProxy = await StorageProxy.StartAsync(new Uri(table, "/"), _ => false);
        var proxied = azurite.Server.ConnectionString
            .Replace(blob.GetLeftPart(UriPartial.Authority), blobProxy.Address.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal)
            .Replace(table.GetLeftPart(UriPartial.Authority), tableProxy.Address.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal);
        var load = new CrashLoad(_port, _prefix);
        var sending = load.SendAllAsync();
        using (var first = await RuntimeProcess.StartAsync(_port, Settings(proxied)))
        {
            Assert.True(await Poll.UntilAsync(() => blobProxy.Held.IsCompleted, TimeSpan.FromMinutes(2)), "no archive write reached storage: " + first.Output);
            await PollAsync(first, h => h.GetProperty("log").GetProperty("unprocessedEvents").GetInt32() > 0);
            await first.KillAsync();
        }

        var partial = await StorageScan.EverythingAsync(azurite.Server.ConnectionString, _prefix);
        Assert.Contains(partial, f => f.Where.StartsWith(_prefix + "customers/", StringComparison.Ordinal));
        await RestartAndVerifyAsync(load, sending);
    }

    private async Task RestartAndVerifyAsync(CrashLoad load, Task sending)
    {
        using var second = await RuntimeProcess.StartAsync(_port, Settings(azurite.Server.ConnectionString));
        var restarted = await second.HealthAsync(CancellationToken.None);
        Assert.True(restarted.GetProperty("recovered").GetInt64() > 0, "the restart should deliver again what the log kept: " + restarted);
        await sending.WaitAsync(TimeSpan.FromMinutes(4));
        await PollAsync(second, h => h.GetProperty("pending").GetInt32() == 0);

        var stored = await IdsAsync("raw");
        // A request whose 202 the kill cut off after its append is sent again: its valid events are then dropped as
        // duplicates by the event-id ledger, but its invalid ones have no id to check and are quarantined once more.
        var quarantined = (await IdsAsync("quarantine")).Distinct().ToList();
        Assert.Equal(stored.Count, stored.Distinct().Count());
        Assert.Equal(load.AcceptedIds.Order(StringComparer.Ordinal), stored.Concat(quarantined).Order(StringComparer.Ordinal));
        Assert.Equal(CrashLoad.Invalid, quarantined.Count);
        // Accepted = stored + quarantined + duplicates + suppressed, with the duplicates the load resends on purpose and no erasure.
        Assert.Equal(load.AcceptedEvents, stored.Count + quarantined.Count + CrashLoad.Resent + 0);
        var health = await second.HealthAsync(CancellationToken.None);
        Assert.Equal(0, health.GetProperty("log").GetProperty("unprocessedEvents").GetInt32());
        Assert.All(health.GetProperty("log").GetProperty("checkpoints").EnumerateObject(), c => Assert.True(c.Value.GetInt64() > 0, "every partition had events to checkpoint"));
    }

    private Dictionary<string, string> Settings(string connectionString, string batchWait = "00:00:01") => new()
    {
        ["Storage:ConnectionString"] = connectionString,
        ["Pipeline:StoragePrefix"] = _prefix,
        ["Local:Stream:DataDirectory"] = _dataDirectory,
        ["Local:Stream:BatchWait"] = batchWait,
    };

    private async Task<List<string>> IdsAsync(string container)
    {
        var lines = (await StorageScan.EverythingAsync(azurite.Server.ConnectionString, _prefix))
            .Where(f => f.Where.StartsWith(_prefix + container + "/", StringComparison.Ordinal))
            .SelectMany(f => f.Text.Split('\n').Skip(1).Where(l => l.StartsWith('{')));
        // A raw line is the CloudEvent; a quarantine line names the event it holds.
        return lines.Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (e.TryGetProperty("eventId", out var quarantined) ? quarantined : e.GetProperty("id")).GetString()!).ToList();
    }

    private static async Task PollAsync(RuntimeProcess runtime, Func<JsonElement, bool> until)
    {
        JsonElement health = default;
        var reached = await Poll.UntilAsync(async () => until(health = await runtime.HealthAsync(CancellationToken.None)), TimeSpan.FromMinutes(2),
            TimeSpan.FromMilliseconds(50));
        Assert.True(reached, "health never reached the awaited state: " + health);
    }

    private static string ConnectionPart(string connectionString, string name) =>
        connectionString.Split(';').Single(p => p.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];

    /// <summary>
    /// Signed requests sent concurrently, each until the runtime takes it (202, or 200 for a delivery it had already taken
    /// before it was killed): connection failures while it is down, 429 and 503 are sent again with the same delivery id.
    /// </summary>
    private sealed class CrashLoad(int port, string prefix)
    {
        /// <summary>Events with data the schema refuses (the 0th and 17th of each request), and events that repeat two of the previous request's.</summary>
        public const int Invalid = 120 * 2;
        public const int Resent = 120 * 2 - 2;
        private readonly ConcurrentBag<string> _accepted = [];
        private readonly ConcurrentBag<int> _acceptedEvents = [];

        public IReadOnlyCollection<string> AcceptedIds => _accepted.Distinct().ToList();

        public int AcceptedEvents => _acceptedEvents.Sum();

        public Task SendAllAsync() => Parallel.ForEachAsync(Enumerable.Range(0, Requests), new ParallelOptions { MaxDegreeOfParallelism = 8 }, SendAsync);

        private async ValueTask SendAsync(int request, CancellationToken cancellationToken)
        {
            var events = Enumerable.Range(0, EventsPerRequest).Select(i => Event(request, i)).ToList();
            var body = Tests.Requests.Utf8("[" + string.Join(',', events.Select(e => e.Json)) + "]");
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var delivered = await Poll.UntilAsync(async () =>
            {
                try
                {
                    using var message = WebhookSigner.StandardWebhooks("/api/ingest/client-portal", body, "application/cloudevents-batch+json",
                        SampleSecrets.StandardWebhooks, $"msg_{prefix}_{request}", DateTimeOffset.UtcNow);
                    using var response = await http.SendAsync(message, cancellationToken);
                    if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK)
                    {
                        events.ForEach(e => _accepted.Add(e.Id));
                        _acceptedEvents.Add(events.Count);
                        return true;
                    }

                    Assert.True(response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable, await response.Content.ReadAsStringAsync(cancellationToken));
                    return false;
                }
                catch (HttpRequestException)
                {
                    // The runtime is down (killed, or not yet started again): send the same delivery again.
                    return false;
                }
            }, TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(100), cancellationToken);
            Assert.True(delivered, $"request {request} was never accepted");
        }

        private static (string Id, string Json) Event(int request, int i)
        {
            // The 1st and 13th events repeat the 2nd and 14th of the previous request, id and all: duplicates.
            var (r, n) = i % 12 == 1 && request > 0 ? (request - 1, i + 1) : (request, i);
            var id = $"c{r}-{n}";
            var data = n % 17 == 0 ? """{"path":"no-slash"}""" : """{"path":"/home","session_id":"s-1"}""";
            return (id, Tests.Requests.PortalEvent(id, $"customer/{(r * EventsPerRequest + n) % 300}", data: data));
        }
    }
}
