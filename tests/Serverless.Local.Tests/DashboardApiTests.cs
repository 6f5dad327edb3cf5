using System.Net;
using System.Text.Json;

namespace Serverless.Local.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class DashboardApiTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Staff = "local-demo-key-staff-change-me";
    private const string Compliance = "local-demo-key-alice-change-me";
    private const string Analyst = "local-demo-key-analyst-change-me";
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

    private Task<HttpResponseMessage> GetAsync(string path, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return _client.SendAsync(request);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        Assert.Equal(status, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string typeEndsWith)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await JsonAsync(response, status);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.EndsWith(typeEndsWith, problem.GetProperty("type").GetString(), StringComparison.Ordinal);
    }

    private async Task IngestPortalAsync(params string[] events)
    {
        var body = Requests.Utf8("[" + string.Join(',', events) + "]");
        var response = await _client.SendAsync(Requests.Standard(_runtime, "client-portal", body, "application/cloudevents-batch+json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await _runtime.DrainAsync();
    }

    private static string PortalEventAt(string id, string subject, string time) =>
        Requests.PortalEvent(id, subject).Replace("2026-11-21T10:00:00Z", time, StringComparison.Ordinal);

    [Theory]
    [InlineData("/api/dashboard/summary")]
    [InlineData("/api/dashboard/quarantine")]
    [InlineData("/api/dashboard/customers/acme-law/customer/C-1")]
    [InlineData("/api/dashboard/privacy")]
    public async Task DashboardApi_NoKey_Is401(string path) =>
        await AssertProblemAsync(await GetAsync(path, null), HttpStatusCode.Unauthorized, "unauthenticated");

    [Fact]
    public async Task DashboardApi_UnknownKey_Is401() =>
        await AssertProblemAsync(await GetAsync("/api/dashboard/summary", "not-a-configured-key"), HttpStatusCode.Unauthorized, "unauthenticated");

    [Theory]
    [InlineData("/api/dashboard/summary")]
    [InlineData("/api/dashboard/quarantine")]
    [InlineData("/api/dashboard/customers/acme-law/customer/C-1")]
    public async Task DashboardApi_RoleWithoutDashboardAccess_Is403(string path) =>
        await AssertProblemAsync(await GetAsync(path, Analyst), HttpStatusCode.Forbidden, "forbidden");

    [Fact]
    public async Task DashboardPrivacy_StaffRole_Is403() =>
        await AssertProblemAsync(await GetAsync("/api/dashboard/privacy", Staff), HttpStatusCode.Forbidden, "forbidden");

    [Fact]
    public async Task DashboardCustomer_UnknownCustomer_Is404() =>
        await AssertProblemAsync(await GetAsync("/api/dashboard/customers/acme-law/customer/nobody", Staff), HttpStatusCode.NotFound, "customer-not-found");

    [Theory]
    [InlineData("Acme-Law")]
    [InlineData("acme_law")]
    public async Task DashboardCustomer_BadTenant_Is400(string tenant) =>
        await AssertProblemAsync(await GetAsync($"/api/dashboard/customers/{tenant}/customer/C-1", Staff), HttpStatusCode.BadRequest, "invalid-tenant");

    [Fact]
    public async Task DashboardCustomer_NoSubject_Is400() =>
        await AssertProblemAsync(await GetAsync("/api/dashboard/customers/acme-law/", Staff), HttpStatusCode.BadRequest, "missing-subject");

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("ten")]
    public async Task DashboardCustomer_BadLimit_Is400(string limit) =>
        await AssertProblemAsync(await GetAsync("/api/dashboard/customers/acme-law/customer/C-1?limit=" + limit, Staff), HttpStatusCode.BadRequest, "invalid-limit");

    [Fact]
    public async Task DashboardPage_Get_ServesTheSelfContainedPageWithAStrictPolicy()
    {
        var response = await GetAsync("/dashboard", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        var policy = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("<canvas id=\"throughput\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'sha256-", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DashboardHistory_AfterARestartOnTheSameStorage_KeepsEarlierRunsTotals()
    {
        // Arrange: one run stores and quarantines events, then stops.
        var now = _runtime.Clock.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        await IngestPortalAsync(PortalEventAt("hist-1", "customer/H-1", now), PortalEventAt("hist-2", "customer/H-1", now),
            Requests.PortalEvent("hist-3", "customer/H-1", data: """{"path":"nope"}""").Replace("2026-11-21T10:00:00Z", now, StringComparison.Ordinal));
        var prefix = _runtime.Prefix;
        _client.Dispose();
        await _runtime.DisposeAsync();

        // Act: a new run on the same storage.
        _runtime = new RuntimeFactory(azurite.Server, prefix: prefix);
        _client = _runtime.CreateClient();
        var summary = await JsonAsync(await GetAsync("/api/dashboard/summary", Staff));
        var quarantine = await JsonAsync(await GetAsync("/api/dashboard/quarantine", Staff));

        // Assert: this run has seen nothing; the history has both runs' counts.
        Assert.Equal(0, summary.GetProperty("stored").GetInt64());
        var history = summary.GetProperty("history");
        Assert.Equal(2, history.GetProperty("stored").GetInt64());
        Assert.Equal(1, history.GetProperty("quarantined").GetInt64());
        var today = Assert.Single(history.GetProperty("perDay").EnumerateArray());
        Assert.Equal(2, today.GetProperty("stored").GetInt64());
        Assert.Equal(1, quarantine.GetProperty("historyTotal").GetInt64());
        var reason = Assert.Single(quarantine.GetProperty("reasons").EnumerateArray());
        Assert.Equal(0, reason.GetProperty("count").GetInt64());
        Assert.Equal(1, reason.GetProperty("historyCount").GetInt64());
    }

    [Fact]
    public async Task DashboardSummary_AfterIngestion_MatchesTheStreamStatistics()
    {
        await IngestPortalAsync(Requests.PortalEvent("sum-1", "customer/S-1"), Requests.PortalEvent("sum-2", "customer/S-1", data: """{"path":"nope"}"""));

        var summary = await JsonAsync(await GetAsync("/api/dashboard/summary", Staff));

        var stats = _runtime.Statistics;
        Assert.Equal(stats.Accepted, summary.GetProperty("accepted").GetInt64());
        Assert.Equal(1, summary.GetProperty("stored").GetInt64());
        Assert.Equal(1, summary.GetProperty("quarantined").GetInt64());
        Assert.Equal(1, summary.GetProperty("quarantinedByReason").GetProperty("SchemaViolation").GetInt64());
        Assert.Equal(JsonValueKind.Array, summary.GetProperty("throughput").ValueKind);
    }

    [Fact]
    public async Task DashboardSummary_AfterIngestion_ReportsLagAndBatchTimeFromThePipelineMetrics()
    {
        await IngestPortalAsync(Requests.PortalEvent("lag-1", "customer/L-1"));

        var metrics = (await JsonAsync(await GetAsync("/api/dashboard/summary", Staff))).GetProperty("metrics");

        Assert.Equal(60, metrics.GetProperty("windowSeconds").GetDouble());
        foreach (var name in new[] { "lag", "batchDuration" })
        {
            var measured = metrics.GetProperty(name);
            Assert.True(measured.GetProperty("count").GetInt32() >= 1, name + " has measurements");
            Assert.InRange(measured.GetProperty("p50").GetDouble(), 0, measured.GetProperty("p99").GetDouble());
            Assert.InRange(measured.GetProperty("p99").GetDouble(), 0, measured.GetProperty("max").GetDouble());
        }
    }

    [Fact]
    public async Task DashboardQuarantine_AfterARejectedEvent_ShowsItsReasonAndViolationsButNotItsBody()
    {
        await IngestPortalAsync(Requests.PortalEvent("q-bad-1", "customer/Q-1", data: """{"path":"nope","secret_note":"do-not-show"}"""));

        var response = await GetAsync("/api/dashboard/quarantine", Compliance);
        var text = await response.Content.ReadAsStringAsync();
        var quarantine = await JsonAsync(response);

        var reason = Assert.Single(quarantine.GetProperty("reasons").EnumerateArray());
        Assert.Equal("SchemaViolation", reason.GetProperty("reason").GetString());
        Assert.Equal(1, reason.GetProperty("count").GetInt64());
        var example = Assert.Single(reason.GetProperty("examples").EnumerateArray());
        Assert.Equal("q-bad-1", example.GetProperty("eventId").GetString());
        Assert.NotEmpty(example.GetProperty("violations").EnumerateArray());
        Assert.DoesNotContain("do-not-show", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DashboardCustomer_KnownCustomer_ListsTheLatestEventsNewestFirst()
    {
        await IngestPortalAsync(
            PortalEventAt("cust-old", "customer/K-1", "2026-11-21T09:00:00Z"),
            PortalEventAt("cust-new", "customer/K-1", "2026-11-21T11:00:00Z"),
            PortalEventAt("cust-mid", "customer/K-1", "2026-11-21T10:00:00Z"),
            PortalEventAt("other", "customer/K-2", "2026-11-21T12:00:00Z"));

        var all = await JsonAsync(await GetAsync("/api/dashboard/customers/acme-law/customer/K-1", Staff));
        var two = await JsonAsync(await GetAsync("/api/dashboard/customers/acme-law/customer/K-1?limit=2", Staff));

        Assert.Equal(3, all.GetProperty("eventCount").GetInt64());
        Assert.Equal(["cust-new", "cust-mid", "cust-old"], all.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("eventId").GetString()));
        Assert.Equal(["cust-new", "cust-mid"], two.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("eventId").GetString()));
    }
}
