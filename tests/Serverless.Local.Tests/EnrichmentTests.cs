using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Enrichment;
using Serverless.Pipeline.Telemetry;

namespace Serverless.Local.Tests;

/// <summary>Enrichment end to end: the intake sample through the webhook API into raw blobs, views and exports, and out again on erasure.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class EnrichmentTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Alice = "local-demo-key-alice-change-me";
    private const string Subject = "lead/LR-2026-118274";
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"geo-{Guid.NewGuid():N}.mmdb");
    private RuntimeFactory _runtime = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllBytesAsync(_database, new MmdbWriter().Add("198.51.100.0/24", MmdbWriter.City("US", "United States", "Boston")).Build());
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }

        File.Delete(_database);
    }

    private void Start(string geoDatabase)
    {
        _runtime = new RuntimeFactory(azurite.Server, null, new Dictionary<string, string>
        {
            ["Pipeline:Enrichment:GeoIpDatabasePath"] = geoDatabase,
            ["Pipeline:Tenants:acme-law:Enrichment:SiteHosts:0"] = "example.com",
            ["Pipeline:SuppressionCacheLifetime"] = "00:00:00.200",
            ["Pipeline:SuppressionMargin"] = "00:00:00.200",
        });
        _client = _runtime.CreateClient();
    }

    private ReferenceTables References() =>
        new(_runtime.Table("reference"), TimeProvider.System, new EnrichmentOptions(), NullLogger.Instance);

    private async Task IngestLeadAsync()
    {
        var response = await _client.SendAsync(Requests.IntakeLeadHmacVector());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await _runtime.DrainAsync();
        Assert.Equal(1, _runtime.Statistics.Stored);
    }

    private async Task<JsonNode> RawLineAsync() => JsonNode.Parse(Assert.Single(await _runtime.BlobLinesAsync("raw")))!;

    [Fact]
    public async Task Ingest_InvalidIntakeLead_IsQuarantinedWithOnlyTheAnonymizedAddress()
    {
        // Arrange: the intake sample without its required contact, so the schema refuses it.
        Start(_database);
        var lead = JsonNode.Parse(Requests.Sample("intake-lead.json"))!.AsObject();
        lead.Remove("contact");

        // Act
        var response = await _client.SendAsync(Serverless.DevKit.Webhooks.WebhookSigner.HmacSha256("/api/ingest/intake-hmac", Requests.Utf8(lead.ToJsonString()),
            "application/json", Serverless.DevKit.Webhooks.SampleSecrets.Hmac, "X-Hub-Signature-256", "X-Delivery-Id", "dlv_" + Guid.NewGuid().ToString("N")));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await _runtime.DrainAsync();

        // Assert: quarantined, its body kept for replay, but with the network in place of the address.
        Assert.Equal(1, _runtime.Statistics.Quarantined);
        var record = JsonNode.Parse(Assert.Single(await _runtime.BlobLinesAsync("quarantine")))!;
        var body = JsonNode.Parse(record["body"]!.GetValue<string>())!;
        Assert.Equal("198.51.100.0", body["data"]!["client"]!["ip"]!.GetValue<string>());
        var everything = await StorageScan.EverythingAsync(azurite.Server.ConnectionString, _runtime.Prefix);
        Assert.DoesNotContain(everything, item => item.Text.Contains("198.51.100.23", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ingest_IntakeLead_StoresEnrichmentsInRawAndViewsAndOnlyTheAnonymizedAddress()
    {
        Start(_database);
        await References().SetAsync("acme-law", "campaigns", "pi-boston-fall", "Personal injury, fall 2026", CancellationToken.None);

        await IngestLeadAsync();

        var raw = await RawLineAsync();
        var enrichments = raw["enrichments"]!;
        Assert.Equal("198.51.100.0", raw["data"]!["client"]!["ip"]!.GetValue<string>());
        Assert.Equal("US", enrichments["client.ip"]!["country"]!.GetValue<string>());
        Assert.Equal("Boston", enrichments["client.ip"]!["city"]!.GetValue<string>());
        Assert.Equal("fixedLineOrMobile", enrichments["contact.phone"]!["lineType"]!.GetValue<string>());
        Assert.Equal("Personal injury, fall 2026", enrichments["marketing.utm_campaign"]!["value"]!.GetValue<string>());
        Assert.Equal("unknown-value", enrichments["firm.office"]!["missing"]!.GetValue<string>());
        Assert.Equal("iOS", enrichments["client.user_agent"]!["os"]!.GetValue<string>());
        var activity = await _runtime.Table("customers").QueryAsync<TableEntity>(e => e.PartitionKey == "acme-law|lead%2FLR-2026-118274").Where(e => e.RowKey.StartsWith("act|", StringComparison.Ordinal)).SingleAsync();
        var view = JsonNode.Parse(activity.GetString("Enrichments"))!;
        Assert.NotEqual("Boston", view["client.ip"]!["city"]!.GetValue<string>());
        Assert.DoesNotContain("Boston", activity.GetString("Enrichments"), StringComparison.Ordinal);
        Assert.Equal("Personal injury, fall 2026", view["marketing.utm_campaign"]!["value"]!.GetValue<string>());
        var everything = await StorageScan.EverythingAsync(azurite.Server.ConnectionString, _runtime.Prefix);
        Assert.DoesNotContain(everything, item => item.Text.Contains("198.51.100.23", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Export_EnrichedLead_CarriesItsEnrichmentsAndErasureRemovesThem()
    {
        Start(_database);
        await IngestLeadAsync();

        var export = await RunPrivacyRequestAsync("exports", new { tenant = "acme-law", subject = Subject, requester = "the data subject" });
        using var plain = new HttpClient();
        var document = JsonNode.Parse(await plain.GetStringAsync(new Uri(export["download"]!["url"]!.GetValue<string>())))!;
        var record = Assert.Single(document["customerRecords"]!.AsArray())!;
        Assert.Equal("Boston", record["events"]![0]!["enrichments"]!["client.ip"]!["city"]!.GetValue<string>());
        Assert.NotNull(record["recentActivity"]![0]!["enrichments"]!["client.ip"]);

        await RunPrivacyRequestAsync("erasures", new { tenant = "acme-law", subject = Subject, reason = "Art. 17(1)(b)", requester = "ticket #9" });

        var everything = await StorageScan.EverythingAsync(azurite.Server.ConnectionString, _runtime.Prefix);
        foreach (var needle in new[] { "Boston", "198.51.100.0", "\"enrichments\"", "client.user_agent" })
        {
            Assert.DoesNotContain(everything, item => item.Text.Contains(needle, StringComparison.Ordinal) && !IsExportDocument(item.Where));
        }
    }

    [Fact]
    public async Task Ingest_GeoDatabaseMissingAndReferenceTableGone_StoresTheEventMarkedAndCounted()
    {
        Start(Path.Combine(Path.GetTempPath(), $"absent-{Guid.NewGuid():N}.mmdb"));
        await _runtime.Table("reference").DeleteAsync();
        using var telemetry = new TelemetryRecorder();

        await IngestLeadAsync();

        var enrichments = (await RawLineAsync())["enrichments"]!;
        Assert.Equal("geo-database-unavailable", enrichments["client.ip"]!["missing"]!.GetValue<string>());
        Assert.Equal("198.51.100.0/24", enrichments["client.ip"]!["network"]!.GetValue<string>());
        Assert.Equal("table-unavailable", enrichments["marketing.utm_campaign"]!["missing"]!.GetValue<string>());
        Assert.Equal("US", enrichments["contact.phone"]!["country"]!.GetValue<string>());
        Assert.Equal(2, telemetry.Measurements(PipelineTelemetry.Instruments.EnrichmentsMissing, ("kind", "reference"), ("reason", "table-unavailable")).Count);
        Assert.Single(telemetry.Measurements(PipelineTelemetry.Instruments.EnrichmentsMissing, ("kind", "ip"), ("reason", "geo-database-unavailable")));
    }

    // The export handed to the subject before the erasure is their copy, behind an expiring link; erasure leaves it.
    private bool IsExportDocument(string where) => where.StartsWith(_runtime.Prefix + "exports/", StringComparison.Ordinal);

    private async Task<JsonNode> RunPrivacyRequestAsync(string kind, object body)
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, $"/api/privacy/{kind}") { Content = JsonContent.Create(body) };
        post.Headers.Add("X-Api-Key", Alice);
        var response = await _client.SendAsync(post);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var location = response.Headers.Location!;
        var ended = await Poll.ForAsync(async () =>
        {
            using var get = new HttpRequestMessage(HttpMethod.Get, location);
            get.Headers.Add("X-Api-Key", Alice);
            var status = JsonNode.Parse(await (await _client.SendAsync(get)).Content.ReadAsStringAsync())!;
            return status["status"]!.GetValue<string>() is "Completed" or "Failed" ? status : null;
        }, TimeSpan.FromMinutes(1), $"The {kind} request never completed.", TimeSpan.FromMilliseconds(50));
        Assert.Equal("Completed", ended["status"]!.GetValue<string>());
        return ended;
    }
}
