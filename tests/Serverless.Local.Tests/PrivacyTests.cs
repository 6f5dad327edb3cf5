using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;

namespace Serverless.Local.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class PrivacyTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Alice = "local-demo-key-alice-change-me";
    private const string Bob = "local-demo-key-bob-change-me";
    private const string Analyst = "local-demo-key-analyst-change-me";
    private const string TargetEmail = "targetina.erasmus@example.com";
    // Longer than the suppression cache's lifetime (200 ms, below): the runtime's clock moved this far reads the list afresh.
    private static readonly TimeSpan PastSuppressionCache = TimeSpan.FromMilliseconds(300);
    private RuntimeFactory _runtime = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _runtime = new RuntimeFactory(azurite.Server, null, new Dictionary<string, string>
        {
            ["Pipeline:SuppressionCacheLifetime"] = "00:00:00.200",
            ["Pipeline:SuppressionMargin"] = "00:00:00.200",
            ["Pipeline:Tenants:paris-avocats:ApprovalTimeout"] = "00:00:30",
        });
        _client = _runtime.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _runtime.DisposeAsync();
    }

    private async Task IngestAsync(string source, string body, string mediaType)
    {
        var request = source == "client-portal" || source == "intake-pro"
            ? Requests.Standard(_runtime, source, Requests.Utf8(body), mediaType)
            : Requests.Hmac(source, Requests.Utf8(body), mediaType);
        var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private async Task IngestPopulationAsync()
    {
        var events = Enumerable.Range(1, 20).SelectMany(c => Enumerable.Range(0, 3).Select(i => Requests.PortalEvent($"c{c}-e{i}", $"customer/C-{c}")));
        await IngestAsync("client-portal", "[" + string.Join(',', events) + "]", "application/cloudevents-batch+json");
        await IngestAsync("client-portal", "[" + Requests.PortalEvent("c7-bad", "customer/C-7", data: """{"path":"nope"}""") + "]", "application/cloudevents-batch+json");
        await IngestAsync("intake-pro", $$$"""{"event":"lead.created","lead_id":"LT-1","created_at":"2026-11-20T14:03:11Z","contact":{"first_name":"Targetina","last_name":"Erasmus","email":" {{{TargetEmail}}} ","phone":"(617) 555-0199"}}""", "application/json");
        await IngestAsync("crm-hub", "{\"type\":\"contact.updated\",\"id\":\"crm-7\",\"occurred_at\":1763716800,\"data\":{\"contact_id\":\"C-7\",\"changes\":{\"email\":{\"to\":\"" + TargetEmail + "\"}}}}", "application/json");
        await IngestAsync("intake-pro", """{"event":"lead.created","lead_id":"LR-OTHER","created_at":"2026-11-20T14:03:11Z","contact":{"first_name":"Other","last_name":"Person","email":"other@example.com"}}""", "application/json");
        await _runtime.DrainAsync();
    }

    private HttpRequestMessage Privacy(HttpMethod method, string path, string key, object? body = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Api-Key", key);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    private async Task<string> RequestErasureAsync(object body, string key = Alice, string? idempotencyKey = null)
    {
        var response = await _client.SendAsync(Privacy(HttpMethod.Post, "/api/privacy/erasures", key, body, idempotencyKey));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("/api/privacy/erasures/" + json["id"]!.GetValue<string>(), response.Headers.Location!.OriginalString);
        return json["id"]!.GetValue<string>();
    }

    private async Task<JsonNode> StatusAsync(string kind, string id)
    {
        var response = await _client.SendAsync(Privacy(HttpMethod.Get, $"/api/privacy/{kind}/{id}", Alice));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private async Task<string> WaitForStatusAsync(string kind, string id, params string[] statuses)
    {
        return await Poll.ForAsync(async () =>
        {
            var status = (await StatusAsync(kind, id))["status"]!.GetValue<string>();
            return statuses.Contains(status) ? status : null;
        }, TimeSpan.FromMinutes(1), $"{id} never reached {string.Join("/", statuses)}.", TimeSpan.FromMilliseconds(50));
    }

    private static object Erasure(string tenant = "acme-law", string? subject = "customer/C-7", string? email = TargetEmail, string? phone = "+1 617 555 0199") =>
        new { tenant, subject, email, phone, reason = "Art. 17(1)(b): consent withdrawn", requester = "ticket #4711" };

    [Fact]
    public async Task Erasure_OfOneCustomer_LeavesNothingOfThemAnywhereAndOthersIntact()
    {
        await IngestPopulationAsync();
        var profiles = _runtime.Table("customers");
        var before = new Dictionary<string, long?>();
        for (var c = 1; c <= 20; c++)
        {
            before[$"C-{c}"] = (await profiles.GetEntityAsync<TableEntity>($"acme-law|customer%2FC-{c}", "profile")).Value.GetInt64("EventCount");
        }

        var id = await RequestErasureAsync(Erasure());
        var status = await WaitForStatusAsync("erasures", id, "Completed", "Failed");

        Assert.Equal("Completed", status);
        var request = await StatusAsync("erasures", id);
        Assert.False(request["overdue"]!.GetValue<bool>());
        var certificate = request["certificate"]!;
        Assert.Equal("ticket #4711", certificate["requestedBy"]!.GetValue<string>());
        Assert.Equal(2, certificate["customerRecords"]!.GetValue<int>());
        var keys = certificate["subjectKeys"]!.AsObject();
        Assert.Equal(["emails", "phones", "subjects"], keys.Select(k => k.Key).Order(StringComparer.Ordinal));
        var subjectKeys = keys["subjects"]!.AsArray().Select(k => k!.GetValue<string>()).ToList();
        Assert.Equal(2, subjectKeys.Count);
        Assert.Equal(subjectKeys.Distinct(StringComparer.Ordinal).Count(), subjectKeys.Count);
        var steps = request["steps"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["register", "suppress", "delete-views", "purge-raw", "purge-quarantine", "shred-keys", "verify"], steps);
        var purgeRaw = request["steps"]!.AsArray().First(s => s!["name"]!.GetValue<string>() == "purge-raw")!;
        Assert.Equal(5, purgeRaw["counts"]!["linesRemoved"]!.GetValue<long>());
        var purgeQuarantine = request["steps"]!.AsArray().First(s => s!["name"]!.GetValue<string>() == "purge-quarantine")!;
        Assert.Equal(1, purgeQuarantine["counts"]!["linesRemoved"]!.GetValue<long>());

        var everything = await StorageScan.EverythingAsync(azurite.Server.ConnectionString, _runtime.Prefix);
        foreach (var needle in new[] { "C-7\"", "C-7|", "C-7\n", "C-7%", "customer/C-7", TargetEmail, "6175550199", "Targetina", "Erasmus", "LT-1", "crm-7" })
        {
            Assert.DoesNotContain(everything, item => item.Text.Contains(needle, StringComparison.OrdinalIgnoreCase) && !item.Text.Contains("C-70", StringComparison.Ordinal));
        }

        for (var c = 1; c <= 20; c++)
        {
            if (c != 7)
            {
                Assert.Equal(before[$"C-{c}"], (await profiles.GetEntityAsync<TableEntity>($"acme-law|customer%2FC-{c}", "profile")).Value.GetInt64("EventCount"));
            }
        }

        Assert.Contains(everything, item => item.Text.Contains("other@example.com", StringComparison.Ordinal));
        Assert.Equal(57 + 1, (await _runtime.BlobLinesAsync("raw")).Count);
        var audit = JsonNode.Parse(await (await _client.SendAsync(Privacy(HttpMethod.Get, "/api/privacy/audit/acme-law/verify", Alice))).Content.ReadAsStringAsync())!;
        Assert.True(audit["valid"]!.GetValue<bool>(), audit.ToJsonString());
        Assert.Equal(certificate["audit"]!["sequence"]!.GetValue<long>(), audit["records"]!.GetValue<long>());
    }

    [Fact]
    public async Task Erasure_EventsArrivingAfterTheRequest_AreSuppressedNotStored()
    {
        await IngestPopulationAsync();
        var id = await RequestErasureAsync(Erasure());
        await WaitForStatusAsync("erasures", id, "Completed");

        await IngestAsync("client-portal", "[" + Requests.PortalEvent("c7-late", "customer/C-7") + "]", "application/cloudevents-batch+json");
        await IngestAsync("intake-pro", $$$"""{"event":"lead.created","lead_id":"LT-2","created_at":"2026-11-21T14:03:11Z","contact":{"email":"{{{TargetEmail}}}"}}""", "application/json");
        await _runtime.DrainAsync();

        Assert.Equal(2, _runtime.Statistics.Suppressed);
        var everything = await StorageScan.EverythingAsync(azurite.Server.ConnectionString, _runtime.Prefix);
        Assert.DoesNotContain(everything, item => item.Text.Contains("c7-late", StringComparison.Ordinal) || item.Text.Contains("LT-2", StringComparison.Ordinal));
        Assert.Equal(_runtime.Statistics.Accepted, _runtime.Statistics.Stored + _runtime.Statistics.Quarantined + _runtime.Statistics.Duplicates + _runtime.Statistics.Suppressed);
    }

    [Fact]
    public async Task Erasure_PostedTwiceWithOneIdempotencyKey_StartsOneWorkflow()
    {
        var first = await RequestErasureAsync(Erasure(subject: "customer/C-99"), idempotencyKey: "ticket-4711");
        var second = await RequestErasureAsync(Erasure(subject: "customer/C-99"), idempotencyKey: "ticket-4711");

        Assert.Equal(first, second);
        await WaitForStatusAsync("erasures", first, "Completed");
        var list = JsonNode.Parse(await (await _client.SendAsync(Privacy(HttpMethod.Get, "/api/privacy/erasures?status=Completed", Alice))).Content.ReadAsStringAsync())!;
        Assert.Single(list["items"]!.AsArray());
        var metas = new List<TableEntity>();
        await foreach (var meta in _runtime.Table("workflows").QueryAsync<TableEntity>(e => e.RowKey == "meta"))
        {
            metas.Add(meta);
        }

        Assert.Single(metas);
    }

    [Fact]
    public async Task Erasure_FourEyesTenant_WaitsForASecondOfficer()
    {
        var id = await RequestErasureAsync(Erasure(tenant: "paris-avocats", subject: "form/abc", email: null, phone: null));
        await WaitForStatusAsync("erasures", id, "AwaitingApproval");

        var self = await _client.SendAsync(Privacy(HttpMethod.Post, $"/api/privacy/erasures/{id}/approve", Alice));
        var other = await _client.SendAsync(Privacy(HttpMethod.Post, $"/api/privacy/erasures/{id}/approve", Bob));

        Assert.Equal(HttpStatusCode.Conflict, self.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
        Assert.Equal("Completed", await WaitForStatusAsync("erasures", id, "Completed", "Failed"));
        Assert.Equal("dpo-bob", (await StatusAsync("erasures", id))["approvedBy"]!.GetValue<string>());
    }

    [Fact]
    public async Task Erasure_NotApprovedInTime_ExpiresAndLiftsSuppression()
    {
        var id = await RequestErasureAsync(Erasure(tenant: "paris-avocats", subject: "form/late", email: null, phone: null));
        await WaitForStatusAsync("erasures", id, "AwaitingApproval");

        _runtime.Clock.Advance(TimeSpan.FromMinutes(5));
        var status = await WaitForStatusAsync("erasures", id, "Expired");

        Assert.Equal("Expired", status);
        _runtime.Clock.Advance(PastSuppressionCache);
        var form = "form_id=f&submission_id=late&email=a%40b.fr";
        var response = await _client.SendAsync(Requests.Hmac("formflow", Requests.Utf8(form), "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await _runtime.DrainAsync();
        Assert.Equal((1, 0), (_runtime.Statistics.Stored, _runtime.Statistics.Suppressed));
    }

    [Fact]
    public async Task Erasure_CancelledWhileWaiting_IsCancelledErasesNothingAndLiftsSuppression()
    {
        await IngestAsync("formflow", "form_id=f&submission_id=keep&email=keep%40example.fr", "application/x-www-form-urlencoded");
        await _runtime.DrainAsync();
        var id = await RequestErasureAsync(Erasure(tenant: "paris-avocats", subject: "form/keep", email: null, phone: null));
        await WaitForStatusAsync("erasures", id, "AwaitingApproval");

        var cancel = await _client.SendAsync(Privacy(HttpMethod.Post, $"/api/privacy/erasures/{id}/cancel", Bob));

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal("Cancelled", await WaitForStatusAsync("erasures", id, "Cancelled"));
        var again = await _client.SendAsync(Privacy(HttpMethod.Post, $"/api/privacy/erasures/{id}/cancel", Bob));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Single(await _runtime.BlobLinesAsync("raw"));
        Assert.Equal(1L, (await _runtime.Table("customers").GetEntityAsync<TableEntity>("paris-avocats|form%2Fkeep", "profile")).Value.GetInt64("EventCount"));
        _runtime.Clock.Advance(PastSuppressionCache);
        await IngestAsync("formflow", "form_id=f&submission_id=keep&email=keep%40example.fr&message=again", "application/x-www-form-urlencoded");
        await _runtime.DrainAsync();
        Assert.Equal(0, _runtime.Statistics.Suppressed);
    }

    [Fact]
    public async Task Export_OfOneCustomer_LinksToADocumentWithTheirEvents()
    {
        await IngestPopulationAsync();
        var response = await _client.SendAsync(Privacy(HttpMethod.Post, "/api/privacy/exports", Alice, new { tenant = "acme-law", email = TargetEmail, requester = "the data subject" }));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();

        await WaitForStatusAsync("exports", id, "Completed");

        var status = await StatusAsync("exports", id);
        var url = new Uri(status["download"]!["url"]!.GetValue<string>());
        using var plain = new HttpClient();
        using var download = await plain.GetAsync(url);
        Assert.Equal("application/json", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"export-{id}.json", download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var document = JsonNode.Parse(await download.Content.ReadAsStringAsync())!;
        var records = document["customerRecords"]!.AsArray();
        Assert.Equal(["customer/C-7", "lead/LT-1"], records.Select(r => r!["subject"]!.GetValue<string>()).Order());
        Assert.Equal(5, records.Sum(r => r!["events"]!.AsArray().Count));
        Assert.Contains(TargetEmail, document.ToJsonString(), StringComparison.Ordinal);

        // The public shape: camelCase, the person's data, none of the store's bookkeeping.
        var customer = records.Single(r => r!["subject"]!.GetValue<string>() == "customer/C-7")!;
        var profile = customer["profile"]!.AsObject();
        Assert.All(profile.Select(p => p.Key), name => Assert.True(char.IsLower(name[0]), name));
        Assert.DoesNotContain(profile, p => p.Key.StartsWith("wm_", StringComparison.Ordinal) || p.Key.StartsWith("n_", StringComparison.Ordinal) || p.Key == "timestamp");
        Assert.Equal(customer["events"]!.AsArray().Count, profile["eventCountsByType"]!.AsObject().Sum(c => c.Value!.GetValue<long>()));
        Assert.All(customer["recentActivity"]!.AsArray(), a =>
        {
            Assert.Equal(JsonValueKind.Object, a!["data"]!.GetValueKind());
            Assert.Null(a["rawBlob"]);
        });
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("wrong-key", HttpStatusCode.Unauthorized)]
    [InlineData(Analyst, HttpStatusCode.Forbidden)]
    public async Task PrivacyApi_CallerWithoutComplianceRole_IsRefused(string? key, HttpStatusCode expected)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/privacy/erasures") { Content = JsonContent.Create(Erasure()) };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        var response = await _client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task PrivacyApi_BadRequests_GetTheRightProblem()
    {
        var notJson = Privacy(HttpMethod.Post, "/api/privacy/erasures", Alice);
        notJson.Content = new StringContent("tenant=acme-law", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        var malformed = Privacy(HttpMethod.Post, "/api/privacy/erasures", Alice);
        malformed.Content = new StringContent("{\"tenant\":", System.Text.Encoding.UTF8, "application/json");

        var responses = new[]
        {
            (await _client.SendAsync(notJson)).StatusCode,
            (await _client.SendAsync(malformed)).StatusCode,
            (await _client.SendAsync(Privacy(HttpMethod.Post, "/api/privacy/erasures", Alice, new { tenant = "acme-law", reason = "x", requester = "y" }))).StatusCode,
            (await _client.SendAsync(Privacy(HttpMethod.Post, "/api/privacy/erasures", Alice, Erasure(email: "not-an-email")))).StatusCode,
            (await _client.SendAsync(Privacy(HttpMethod.Post, "/api/privacy/erasures", Alice, new { tenant = "Bad Tenant", subject = "c", reason = "x", requester = "y" }))).StatusCode,
            (await _client.SendAsync(Privacy(HttpMethod.Post, "/api/privacy/erasures", Alice, new { tenant = "acme-law", subject = "c", requester = "y" }))).StatusCode,
            (await _client.SendAsync(Privacy(HttpMethod.Get, "/api/privacy/erasures/er_nope", Alice))).StatusCode,
            (await _client.SendAsync(Privacy(HttpMethod.Get, "/api/privacy/erasures?status=Nope", Alice))).StatusCode,
            (await _client.SendAsync(Privacy(HttpMethod.Post, "/api/privacy/erasures/er_nope/approve", Bob))).StatusCode,
        };

        Assert.Equal(
            [HttpStatusCode.UnsupportedMediaType, HttpStatusCode.BadRequest, HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity,
             HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity, HttpStatusCode.NotFound, HttpStatusCode.BadRequest, HttpStatusCode.NotFound],
            responses);
    }

    [Fact]
    public async Task Erasure_ApprovingARequestThatNeedsNoApproval_Is409()
    {
        var id = await RequestErasureAsync(Erasure(subject: "customer/C-42"));
        await WaitForStatusAsync("erasures", id, "Completed");

        var response = await _client.SendAsync(Privacy(HttpMethod.Post, $"/api/privacy/erasures/{id}/approve", Bob));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }
}
