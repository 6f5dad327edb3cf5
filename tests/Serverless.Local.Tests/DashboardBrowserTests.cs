using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Serverless.DevKit.Webhooks;
using Serverless.Local.Hosting;
using Serverless.Pipeline.Archive;
using Serverless.Pipeline.Privacy.Requests;
using Serverless.Pipeline.Storage;

namespace Serverless.Local.Tests;

/// <summary>
/// Opens the dashboard in headless Chromium while signed webhooks flow into the runtime (on a real port, over a real
/// Azurite), then checks what the page shows against the stream's statistics and what storage holds.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DashboardBrowserTests(AzuriteFixture azurite, ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>, IAsyncLifetime
{
    private const string ComplianceKey = "local-demo-key-alice-change-me";
    private const string Tenant = "acme-law";
    private const string ChosenCustomer = "customer/W-3";
    private const int MaxRequests = 3000;

    // The erased customer's one event was stored, then purged from the raw archive by the erasure.
    private const int ErasedEvents = 1;
    private static readonly TimeSpan PageTimeout = TimeSpan.FromSeconds(90);
    private readonly string _prefix = "d" + Guid.NewGuid().ToString("N")[..10];
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    private LocalRuntime Runtime => _app.Services.GetRequiredService<LocalRuntime>();

    public async Task InitializeAsync()
    {
        _app = LocalApplication.Create([
            "--contentRoot", Path.Combine(RepositoryPaths.Root, "functions", "Serverless.Local"),
            "--urls", "http://127.0.0.1:0",
            "--Storage:ConnectionString", azurite.Server.ConnectionString,
            "--Local:Stream:DataDirectory", Directory.CreateTempSubdirectory("dashboard-stream").FullName,
            "--Pipeline:StoragePrefix", _prefix,
            "--Pipeline:SuppressionCacheLifetime", "00:00:00.200",
            "--Pipeline:SuppressionMargin", "00:00:00.200",
            "--Logging:LogLevel:Default", "Warning",
        ]);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Dashboard_WhileEventsFlow_ShowsWhatTheStoreHolds()
    {
        var erasureId = await EraseAsync("customer/GONE-1");
        var page = await chromium.Browser.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            // The chosen customer is looked up before any of its events arrive: that 404 is expected.
            if (message.Type == "error" && !(message.Text.Contains("404", StringComparison.Ordinal) && message.Location.Contains("/api/dashboard/customers/", StringComparison.Ordinal)))
            {
                consoleErrors.Add(message.Text + " @ " + message.Location);
            }
        };
        page.PageError += (_, error) => consoleErrors.Add(error);
        page.SetDefaultTimeout((float)PageTimeout.TotalMilliseconds);

        await page.GotoAsync(_http.BaseAddress + "dashboard");
        await page.FillAsync("#api-key", ComplianceKey);
        await page.ClickAsync("#key-form button[type=submit]");
        await page.FillAsync("#customer-tenant", Tenant);
        await page.FillAsync("#customer-subject", ChosenCustomer);
        await page.ClickAsync("#customer-form button[type=submit]");

        using var stopSending = new CancellationTokenSource();
        var sending = SendContinuouslyAsync(stopSending.Token);
        await page.WaitForFunctionAsync("n => Number(document.getElementById('total-stored').dataset.value) >= n", 400);
        await page.WaitForFunctionAsync("() => Number(document.getElementById('metric-lag').dataset.count) > 0");
        var lagShown = await page.TextContentAsync("#metric-lag");
        await stopSending.CancelAsync();
        var sent = await sending;
        await Runtime.Stream.WaitUntilDrainedAsync(new CancellationTokenSource(PageTimeout).Token);
        await WaitForStatusAsync(erasureId, RequestStatus.Completed);

        var stats = Runtime.Stream.Statistics;
        var storedInRaw = await CountRawEventsAsync();
        var quarantinedInStore = await CountQuarantineByReasonAsync();
        var latestInStore = await LatestEventIdsAsync(ChosenCustomer, 20);
        var request = (await new PrivacyRequestStore(Table("privacyrequests"), TimeProvider.System).GetAsync(RequestKinds.Erasure, erasureId, CancellationToken.None))!;

        Assert.True(sent > 0);
        Assert.Matches(@"^\d+(\.\d)? m?s / \d+(\.\d)? m?s$", lagShown);
        Assert.Equal(stats.Stored, storedInRaw + ErasedEvents);
        Assert.Equal(stats.Stored.ToString(CultureInfo.InvariantCulture), await PageEventuallyShowsAsync(page,
            "document.getElementById('total-stored').dataset.value", stats.Stored.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(stats.Quarantined.ToString(CultureInfo.InvariantCulture), await page.GetAttributeAsync("#total-quarantined", "data-value"));
        Assert.Equal(stats.Accepted.ToString(CultureInfo.InvariantCulture), await page.GetAttributeAsync("#total-accepted", "data-value"));

        var expectedReasons = Describe(quarantinedInStore);
        Assert.Equal(Describe(stats.QuarantinedByReason.ToDictionary(p => p.Key.ToString(), p => p.Value)), expectedReasons);
        Assert.Equal(expectedReasons, await PageEventuallyShowsAsync(page,
            "[...document.querySelectorAll('#quarantine tbody tr')].map(r => r.dataset.reason + '=' + r.querySelector('.count').dataset.value).join(',')",
            expectedReasons));
        Assert.Contains("SchemaViolation", expectedReasons, StringComparison.Ordinal);
        Assert.Contains("UnknownEventType", expectedReasons, StringComparison.Ordinal);

        var expectedEvents = string.Join(',', latestInStore);
        Assert.Equal(20, latestInStore.Count);
        Assert.Equal(expectedEvents, await PageEventuallyShowsAsync(page,
            "[...document.querySelectorAll('#customer-events tr')].map(r => r.dataset.eventId).join(',')", expectedEvents));

        var expectedSteps = string.Join(',', request.Steps.Select(s => s.Name));
        Assert.Equal(RequestStatus.Completed, await PageEventuallyShowsAsync(page,
            $"document.querySelector('#privacy tr[data-request-id=\"{erasureId}\"] .status')?.textContent ?? ''", RequestStatus.Completed));
        Assert.Equal(expectedSteps, await page.EvaluateAsync<string>(
            $"[...document.querySelectorAll('#privacy tr[data-request-id=\"{erasureId}\"] li')].map(s => s.dataset.step).join(',')"));
        Assert.Equal("false", await page.GetAttributeAsync($"#privacy tr[data-request-id=\"{erasureId}\"] .due", "data-overdue"));
        Assert.True(consoleErrors.Count == 0, "The page logged errors:\n" + string.Join('\n', consoleErrors));
    }

    // Polls the page until the expression has the expected value (the page refreshes on its own timers), and returns
    // what it showed last, for the caller to assert on.
    private static async Task<string> PageEventuallyShowsAsync(IPage page, string expression, string expected)
    {
        try
        {
            await page.WaitForFunctionAsync($"expected => String({expression}) === expected", expected);
        }
        catch (TimeoutException)
        {
            // Fall through: the assertion shows what the page had instead.
        }

        return await page.EvaluateAsync<string>($"String({expression})");
    }

    private static string Describe(IReadOnlyDictionary<string, long> counts) =>
        string.Join(',', counts.Where(p => p.Value > 0).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    private async Task<int> SendContinuouslyAsync(CancellationToken stop)
    {
        var sent = 0;
        for (var n = 0; n < MaxRequests && !stop.IsCancellationRequested; n++)
        {
            var events = Enumerable.Range(0, 10).Select(i => Event(n, i));
            var body = Encoding.UTF8.GetBytes("[" + string.Join(',', events) + "]");
            using var request = WebhookSigner.StandardWebhooks("/api/ingest/client-portal", body, "application/cloudevents-batch+json",
                SampleSecrets.StandardWebhooks, $"msg_{_prefix}_{n}", DateTimeOffset.UtcNow);
            using var response = await _http.SendAsync(request, CancellationToken.None);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            sent++;
        }

        return sent;
    }

    // Ten customers; every 7th event breaks its schema and every 13th has a type no schema knows.
    private static string Event(int request, int index)
    {
        var n = request * 10 + index;
        var type = n % 13 == 5 ? "com.example.portal.unheard_of" : "com.example.portal.page_viewed";
        var data = n % 7 == 3 ? """{"path":"nope"}""" : """{"path":"/home","session_id":"s-1"}""";
        var time = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero).AddSeconds(n).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return $$"""{"specversion":"1.0","id":"w-{{n}}","source":"app://client-portal","type":"{{type}}","subject":"customer/W-{{n % 10}}","time":"{{time}}","tenant":"{{Tenant}}","data":{{data}}}""";
    }

    private async Task<string> EraseAsync(string subject)
    {
        var events = "[" + Requests.PortalEvent("gone-1", subject) + "]";
        using (var ingest = WebhookSigner.StandardWebhooks("/api/ingest/client-portal", Encoding.UTF8.GetBytes(events), "application/cloudevents-batch+json",
            SampleSecrets.StandardWebhooks, $"msg_{_prefix}_gone", DateTimeOffset.UtcNow))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await _http.SendAsync(ingest)).StatusCode);
        }

        await Runtime.Stream.WaitUntilDrainedAsync(CancellationToken.None);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/privacy/erasures")
        {
            Content = JsonContent.Create(new { tenant = Tenant, subject, reason = "Art. 17(1)(b): consent withdrawn", requester = "ticket #9001" }),
        };
        request.Headers.Add("X-Api-Key", ComplianceKey);
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
    }

    private async Task WaitForStatusAsync(string id, string status)
    {
        var store = new PrivacyRequestStore(Table("privacyrequests"), TimeProvider.System);
        if (!await Poll.UntilAsync(async () => (await store.GetAsync(RequestKinds.Erasure, id, CancellationToken.None))?.Status == status,
            TimeSpan.FromMinutes(2), TimeSpan.FromMilliseconds(100)))
        {
            throw new TimeoutException($"Erasure {id} never reached {status}.");
        }
    }

    private TableClient Table(string name) => new TableServiceClient(azurite.Server.ConnectionString).GetTableClient(_prefix + name);

    private BlobContainerClient Container(string name) => new BlobServiceClient(azurite.Server.ConnectionString).GetBlobContainerClient(_prefix + name);

    private async Task<long> CountRawEventsAsync()
    {
        var raw = Container("raw");
        long count = 0;
        await foreach (var blob in raw.GetBlobsAsync())
        {
            await foreach (var line in GzipJsonLines.ReadAsync(raw.GetBlobClient(blob.Name), CancellationToken.None))
            {
                line.Dispose();
                count++;
            }
        }

        return count;
    }

    private async Task<Dictionary<string, long>> CountQuarantineByReasonAsync()
    {
        var quarantine = Container("quarantine");
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var blob in quarantine.GetBlobsAsync())
        {
            await foreach (var record in QuarantineStore.ReadAsync(quarantine, blob.Name, CancellationToken.None))
            {
                counts[record.Reason.ToString()] = counts.GetValueOrDefault(record.Reason.ToString()) + 1;
            }
        }

        return counts;
    }

    private async Task<List<string>> LatestEventIdsAsync(string subject, int count)
    {
        var partition = TableKeys.Customer(Tenant, subject);
        var ids = new List<string>();
        await foreach (var row in Table("customers").QueryAsync<TableEntity>(e => e.PartitionKey == partition))
        {
            if (row.RowKey.StartsWith("act|", StringComparison.Ordinal) && ids.Count < count)
            {
                ids.Add(row.GetString("EventId"));
            }
        }

        return ids;
    }
}
