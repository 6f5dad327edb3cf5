using System.Net;
using System.Text;
using System.Text.Json;

namespace Serverless.Local.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class BadInputTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private RuntimeFactory _runtime = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _runtime = new RuntimeFactory(azurite.Server);
        _client = _runtime.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _runtime.DisposeAsync();
    }

    private async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? typeEndsWith = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        if (typeEndsWith is not null)
        {
            Assert.EndsWith(typeEndsWith, problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        }

        await _runtime.DrainAsync();
        Assert.Equal(0, _runtime.Statistics.Accepted);
        return problem;
    }

    [Fact]
    public async Task Ingest_WrongSecret_Is401()
    {
        var request = Requests.Unsigned("intake-pro", Requests.Sample("intake-lead.json"), "application/json");
        request.Headers.Add("webhook-id", "msg_1");
        request.Headers.Add("webhook-timestamp", _runtime.Clock.Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", "v1," + Convert.ToBase64String(new byte[32]));

        await AssertProblemAsync(await _client.SendAsync(request), HttpStatusCode.Unauthorized, "signature-invalid");
    }

    [Fact]
    public async Task Ingest_TamperedBody_Is401()
    {
        var request = Requests.Standard(_runtime, "intake-pro", Requests.Sample("intake-lead.json"), "application/json");
        request.Content = new ByteArrayContent(Requests.Utf8("{\"lead_id\":\"other\"}")) { Headers = { ContentType = new("application/json") } };

        await AssertProblemAsync(await _client.SendAsync(request), HttpStatusCode.Unauthorized, "signature-invalid");
    }

    [Fact]
    public async Task Ingest_MissingSignatureHeaders_Is401()
    {
        await AssertProblemAsync(await _client.SendAsync(Requests.Unsigned("intake-pro", Requests.Sample("intake-lead.json"), "application/json")),
            HttpStatusCode.Unauthorized, "signature-missing");
    }

    [Fact]
    public async Task Ingest_MissingHmacHeader_Is401()
    {
        await AssertProblemAsync(await _client.SendAsync(Requests.Unsigned("crm-hub", Requests.Sample("crm-contact-updated.json"), "application/json")),
            HttpStatusCode.Unauthorized, "signature-missing");
    }

    [Fact]
    public async Task Ingest_TimestampOutsideTolerance_Is401Stale()
    {
        var request = Requests.Standard(_runtime, "intake-pro", Requests.Sample("intake-lead.json"), "application/json", at: _runtime.Clock.Now.AddMinutes(-6));

        await AssertProblemAsync(await _client.SendAsync(request), HttpStatusCode.Unauthorized, "signature-stale");
    }

    [Fact]
    public async Task Ingest_SecondSecretDuringRotation_IsAccepted()
    {
        await using var rotating = new RuntimeFactory(azurite.Server, null, new Dictionary<string, string>
        {
            ["Pipeline:Sources:3:Secrets:1"] = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("the-new-key-after-rotation-32-by")),
        });
        using var client = rotating.CreateClient();
        var body = Requests.Utf8(Requests.PortalEvent("rot-1", "customer/1"));
        var request = Serverless.DevKit.Webhooks.WebhookSigner.StandardWebhooks("/api/ingest/client-portal", body, "application/cloudevents+json",
            "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("the-new-key-after-rotation-32-by")), "msg_rot", rotating.Clock.Now);

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Ingest_SameDeliveryTwice_IsAnswered200WithoutIngestingAgain()
    {
        var first = await _client.SendAsync(Requests.Standard(_runtime, "intake-pro", Requests.Sample("intake-lead.json"), "application/json", "msg_replayed"));
        var second = await _client.SendAsync(Requests.Standard(_runtime, "intake-pro", Requests.Sample("intake-lead.json"), "application/json", "msg_replayed"));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.True(JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement.GetProperty("replayed").GetBoolean());
        await _runtime.DrainAsync();
        Assert.Equal(1, _runtime.Statistics.Accepted);
        Assert.Single(await _runtime.BlobLinesAsync("raw"));
    }

    [Theory]
    [InlineData("intake-pro", "text/plain")]
    [InlineData("intake-pro", "application/xml")]
    [InlineData("intake-pro", "application/x-www-form-urlencoded")]
    [InlineData("intake-pro", "application/json; charset=iso-8859-1")]
    [InlineData("client-portal", "application/json")]
    public async Task Ingest_UnsupportedContentType_Is415(string source, string mediaType)
    {
        var request = Requests.Standard(_runtime, source, Requests.Sample("intake-lead.json"), mediaType);

        await AssertProblemAsync(await _client.SendAsync(request), HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    [Fact]
    public async Task Ingest_BodyOverOneMegabyte_Is413()
    {
        var body = Requests.Utf8("{\"lead_id\":\"" + new string('x', 1024 * 1024) + "\"}");

        await AssertProblemAsync(await _client.SendAsync(Requests.Standard(_runtime, "intake-pro", body, "application/json")), HttpStatusCode.RequestEntityTooLarge, "body-too-large");
    }

    [Fact]
    public async Task Ingest_BatchOverFiveHundredEvents_Is413()
    {
        var events = string.Join(',', Enumerable.Range(0, 501).Select(i => Requests.PortalEvent($"e-{i}", "customer/1")));

        var response = await _client.SendAsync(Requests.Standard(_runtime, "client-portal", Requests.Utf8("[" + events + "]"), "application/cloudevents-batch+json"));

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "too-many-events");
    }

    [Theory]
    [InlineData("{\"lead_id\": ")]
    [InlineData("[1,2,3]")]
    [InlineData("\"just a string\"")]
    public async Task Ingest_InvalidJson_Is400(string json)
    {
        await AssertProblemAsync(await _client.SendAsync(Requests.Standard(_runtime, "intake-pro", Requests.Utf8(json), "application/json")),
            HttpStatusCode.BadRequest, "malformed-body");
    }

    [Fact]
    public async Task Ingest_NonUtf8Bytes_Is400()
    {
        var body = new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D };

        await AssertProblemAsync(await _client.SendAsync(Requests.Standard(_runtime, "intake-pro", body, "application/json")), HttpStatusCode.BadRequest, "malformed-body");
    }

    [Fact]
    public async Task Ingest_NonUtf8Form_Is400()
    {
        var body = new byte[] { 0x6E, 0x61, 0x6D, 0x65, 0x3D, 0xE9, 0x74, 0xE9 };

        await AssertProblemAsync(await _client.SendAsync(Requests.Hmac("formflow", body, "application/x-www-form-urlencoded")), HttpStatusCode.BadRequest, "malformed-body");
    }

    [Fact]
    public async Task Ingest_DeeplyNestedJson_Is400()
    {
        var body = Requests.Utf8("{\"lead_id\":\"x\",\"deep\":" + new string('[', 200) + new string(']', 200) + "}");

        await AssertProblemAsync(await _client.SendAsync(Requests.Standard(_runtime, "intake-pro", body, "application/json")), HttpStatusCode.BadRequest, "malformed-body");
    }

    [Fact]
    public async Task Ingest_EmptyBody_Is400()
    {
        await AssertProblemAsync(await _client.SendAsync(Requests.Standard(_runtime, "intake-pro", [], "application/json")), HttpStatusCode.BadRequest, "empty-body");
    }

    [Fact]
    public async Task Ingest_UnknownSource_Is404()
    {
        await AssertProblemAsync(await _client.SendAsync(Requests.Standard(_runtime, "nobody", Requests.Sample("intake-lead.json"), "application/json")),
            HttpStatusCode.NotFound, "unknown-source");
    }

    [Fact]
    public async Task Ingest_BodyWithoutTheMappedId_Is422()
    {
        var body = Requests.Utf8("""{"event":"lead.created","created_at":"2026-11-20T14:03:11Z","contact":{"email":"a@b.co"}}""");

        var problem = await AssertProblemAsync(await _client.SendAsync(Requests.Standard(_runtime, "intake-pro", body, "application/json")),
            HttpStatusCode.UnprocessableEntity, "invalid-envelope");

        Assert.Contains("lead_id", problem.GetProperty("errors")[0].GetProperty("errors")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_CloudEventForAnotherTenant_Is422()
    {
        var body = Requests.Utf8(Requests.PortalEvent("t-1", "customer/1").Replace("acme-law", "other-firm", StringComparison.Ordinal));

        await AssertProblemAsync(await _client.SendAsync(Requests.Standard(_runtime, "client-portal", body, "application/cloudevents+json")),
            HttpStatusCode.UnprocessableEntity, "invalid-envelope");
    }

    [Fact]
    public async Task Ingest_BatchWithOneBadEventAmongGood_AcceptsTheGoodAndReportsTheBadByIndex()
    {
        var events = $"[{Requests.PortalEvent("good-1", "customer/1")},{{\"specversion\":\"1.0\",\"source\":\"app://x\",\"type\":\"t\"}},{Requests.PortalEvent("good-2", "customer/2")}]";

        var response = await _client.SendAsync(Requests.Standard(_runtime, "client-portal", Requests.Utf8(events), "application/cloudevents-batch+json"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(["good-1", "good-2"], body.GetProperty("accepted").EnumerateArray().Select(e => e.GetString()));
        var rejected = Assert.Single(body.GetProperty("rejected").EnumerateArray());
        Assert.Equal(1, rejected.GetProperty("index").GetInt32());
        await _runtime.DrainAsync();
        Assert.Equal(2, _runtime.Statistics.Stored);
    }

    [Theory]
    [InlineData("intake-pro", "{\"lead_id\":\"1\",\"lead_id\":\"2\",\"event\":\"lead.created\"}")]
    [InlineData("crm-hub", "{\"id\":\"c-1\",\"type\":\"contact.updated\",\"data\":{\"contact_id\":\"C-1\",\"contact_id\":\"C-2\"}}")]
    public async Task Ingest_DuplicateKey_Is400(string source, string json)
    {
        var request = source == "crm-hub" ? Requests.Hmac(source, Requests.Utf8(json), "application/json") : Requests.Standard(_runtime, source, Requests.Utf8(json), "application/json");

        var problem = await AssertProblemAsync(await _client.SendAsync(request), HttpStatusCode.BadRequest, "malformed-body");

        Assert.Contains("repeats a key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_DuplicateKeyInOneEventOfABatch_AcceptsTheOthersAndReportsItByIndex()
    {
        var duplicated = Requests.PortalEvent("dup-1", "customer/3").Replace("\"id\":\"dup-1\"", "\"id\":\"dup-1\",\"id\":\"dup-2\"", StringComparison.Ordinal);
        var events = $"[{Requests.PortalEvent("good-1", "customer/1")},{duplicated},{Requests.PortalEvent("good-2", "customer/2")}]";

        var response = await _client.SendAsync(Requests.Standard(_runtime, "client-portal", Requests.Utf8(events), "application/cloudevents-batch+json"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(["good-1", "good-2"], body.GetProperty("accepted").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(1, Assert.Single(body.GetProperty("rejected").EnumerateArray()).GetProperty("index").GetInt32());
        await _runtime.DrainAsync();
        Assert.Equal(2, _runtime.Statistics.Stored);
    }

    [Fact]
    public async Task Ingest_StreamFull_Is429WithRetryAfterAndTheDeliveryCanBeRetried()
    {
        await using var small = new RuntimeFactory(azurite.Server, null, new Dictionary<string, string> { ["Local:Stream:Capacity"] = "2" });
        using var client = small.CreateClient();
        var events = string.Join(',', Enumerable.Range(0, 3).Select(i => Requests.PortalEvent($"f-{i}", "customer/1")));

        var first = await client.SendAsync(Requests.Standard(small, "client-portal", Requests.Utf8("[" + events + "]"), "application/cloudevents-batch+json", "msg_full"));
        var retry = await client.SendAsync(Requests.Standard(small, "client-portal", Requests.Utf8("[" + events + "]"), "application/cloudevents-batch+json", "msg_full"));

        Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode);
        Assert.Equal("application/problem+json", first.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(first.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.TooManyRequests, retry.StatusCode);
        Assert.Equal(0, small.Statistics.Accepted);
    }
}
