using System.Net;
using System.Text.Json;
using Azure.Data.Tables;

namespace Serverless.Local.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class SampleIngestionTests(AzuriteFixture azurite) : IAsyncLifetime
{
    // The published Standard Webhooks vector was signed at 1763668991; the test clock stands 30 s later.
    private static readonly DateTimeOffset VectorTime = DateTimeOffset.FromUnixTimeSeconds(1763668991 + 30);
    private RuntimeFactory _runtime = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _runtime = new RuntimeFactory(azurite.Server, VectorTime);
        _client = _runtime.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _runtime.DisposeAsync();
    }

    [Fact]
    public async Task Ingest_IntakeLeadWithPublishedStandardWebhooksVector_IsStored()
    {
        var request = Requests.Unsigned("intake-pro", Requests.Sample("intake-lead.json"), "application/json");
        request.Headers.Add("webhook-id", "msg_2kXyQ8example");
        request.Headers.Add("webhook-timestamp", "1763668991");
        request.Headers.Add("webhook-signature", "v1,N0RbKS5FEcjm/gnbMmV9u6DWecgXmmeVeE8MHjwPiDs=");

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("LR-2026-118274", body.RootElement.GetProperty("accepted")[0].GetString());
        await _runtime.DrainAsync();
        var profile = (await _runtime.Table("customers").GetEntityAsync<TableEntity>("acme-law|lead%2FLR-2026-118274", "profile")).Value;
        Assert.Equal("maria.oconnor@example.com", profile.GetString("Email"));
        Assert.Equal("+16175550143", profile.GetString("Phone"));
        Assert.Single(await _runtime.BlobLinesAsync("raw"));
    }

    [Fact]
    public async Task Ingest_IntakeLeadWithPublishedHmacVector_IsStored()
    {
        var request = Requests.IntakeLeadHmacVector();

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await _runtime.DrainAsync();
        Assert.Equal(1, _runtime.Statistics.Stored);
    }

    [Fact]
    public async Task Ingest_FormSubmissionSample_IsStoredWithFrenchNormalization()
    {
        var response = await _client.SendAsync(Requests.Hmac("formflow", Requests.Sample("form-submission.urlencoded"), "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await _runtime.DrainAsync();
        var profile = (await _runtime.Table("customers").GetEntityAsync<TableEntity>("paris-avocats|form%2F7c1e9a52-33f0-4d7e-9a0b-5b4f2f0c9d11", "profile")).Value;
        Assert.Equal("+33612345678", profile.GetString("Phone"));
        Assert.Equal("FR", profile.GetString("Country"));
        Assert.Equal("Jean-Luc Dubois", profile.GetString("FullName"));
    }

    [Fact]
    public async Task Ingest_CrmSample_UpdatesTheCustomerProfile()
    {
        var response = await _client.SendAsync(Requests.Hmac("crm-hub", Requests.Sample("crm-contact-updated.json"), "application/json"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await _runtime.DrainAsync();
        var profile = (await _runtime.Table("customers").GetEntityAsync<TableEntity>("acme-law|customer%2FC-99812", "profile")).Value;
        Assert.Equal("new.address@example.org", profile.GetString("Email"));
    }

    [Fact]
    public async Task Ingest_AppActivityBatchSample_StoresEveryEvent()
    {
        var response = await _client.SendAsync(Requests.Standard(_runtime, "client-portal", Requests.Sample("app-activity.cloudevents-batch.json"), "application/cloudevents-batch+json"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(3, body.RootElement.GetProperty("accepted").GetArrayLength());
        await _runtime.DrainAsync();
        Assert.Equal(3, (await _runtime.BlobLinesAsync("raw")).Count);
        var profile = (await _runtime.Table("customers").GetEntityAsync<TableEntity>("acme-law|customer%2FC-99812", "profile")).Value;
        Assert.Equal(2L, profile.GetInt64("EventCount"));
    }

    [Fact]
    public async Task Ingest_SingleStructuredCloudEvent_IsStored()
    {
        var body = Requests.Utf8(Requests.PortalEvent("single-1", "customer/C-1"));

        var response = await _client.SendAsync(Requests.Standard(_runtime, "client-portal", body, "application/cloudevents+json"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await _runtime.DrainAsync();
        Assert.Equal(1, _runtime.Statistics.Stored);
    }

    [Fact]
    public async Task Health_Running_ReportsOkAndTheStream()
    {
        var response = await _client.GetAsync(new Uri("/api/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ok", body.RootElement.GetProperty("status").GetString());
        Assert.True(body.RootElement.GetProperty("stream").TryGetProperty("pending", out _));
    }
}
