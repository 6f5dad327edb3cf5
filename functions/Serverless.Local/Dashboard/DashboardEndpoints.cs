using Serverless.Local.Hosting;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Privacy.Api;
using Serverless.Pipeline.Privacy.Requests;
using Serverless.Pipeline.Problems;

namespace Serverless.Local.Dashboard;

/// <summary>
/// The local dashboard: <c>GET /dashboard</c> serves one self-contained page, which polls the JSON views below with the
/// API key the user gives it. Staff and compliance read totals, quarantine and customers; only compliance reads privacy.
/// </summary>
internal static class DashboardEndpoints
{
    public const string PagePath = "/dashboard";
    private const int DefaultEventLimit = 20;
    private const int MaxEventLimit = 100;
    private const int ExamplesPerReason = 3;
    private const int ExampleBlobs = 20;

    public static void Map(WebApplication app)
    {
        var sampler = new ThroughputSampler(() => app.Services.GetRequiredService<LocalRuntime>().Stream.Statistics,
            app.Services.GetRequiredService<TimeProvider>(), TimeSpan.FromSeconds(1));
        app.Lifetime.ApplicationStarted.Register(sampler.Start);
        app.Lifetime.ApplicationStopping.Register(() => sampler.DisposeAsync().AsTask().GetAwaiter().GetResult());
        var metrics = new PipelineMetricsWindow(app.Services.GetRequiredService<TimeProvider>());
        var history = new CounterHistoryCache(app.Services.GetRequiredService<TimeProvider>());
        app.Lifetime.ApplicationStopped.Register(metrics.Dispose);

        var page = DashboardPage.Load();
        app.MapGet(PagePath, page.Write);
        app.MapGet("/api/dashboard/summary", (HttpContext http, LocalRuntime runtime, TimeProvider time) => SummaryAsync(http, runtime, time, sampler, metrics, history));
        app.MapGet("/api/dashboard/quarantine", (HttpContext http, LocalRuntime runtime) => QuarantineAsync(http, runtime, history));
        app.MapGet("/api/dashboard/customers/{tenant}/{**subject}", CustomerAsync);
        app.MapGet("/api/dashboard/privacy", PrivacyAsync);
    }

    private static async Task<IResult> SummaryAsync(HttpContext http, LocalRuntime runtime, TimeProvider time, ThroughputSampler sampler, PipelineMetricsWindow metrics,
        CounterHistoryCache histories)
    {
        if (DashboardAccess.Refusal(http, DashboardAccess.StaffRole, Caller.ComplianceRole) is { } refusal)
        {
            return refusal;
        }

        var history = await histories.GetAsync(runtime, http.RequestAborted);
        var stats = runtime.Stream.Statistics;
        return DashboardResults.Ok(new
        {
            at = time.GetUtcNow(),
            accepted = stats.Accepted,
            processed = stats.Processed,
            stored = stats.Stored,
            quarantined = stats.Quarantined,
            duplicates = stats.Duplicates,
            suppressed = stats.Suppressed,
            pending = runtime.Stream.Pending,
            batches = stats.Batches,
            retries = stats.Retries,
            quarantinedByReason = ByReason(runtime),
            throughput = sampler.Samples,
            metrics = metrics.Snapshot(),
            history = new
            {
                days = CounterHistoryCache.Days,
                stored = history.Stored,
                quarantined = history.Quarantined,
                quarantinedByReason = history.QuarantinedByReason,
                perDay = history.Days.Select(d => new { day = d.Day, stored = d.Stored, quarantined = d.Quarantined }),
            },
        });
    }

    private static async Task<IResult> QuarantineAsync(HttpContext http, LocalRuntime runtime, CounterHistoryCache histories)
    {
        if (DashboardAccess.Refusal(http, DashboardAccess.StaffRole, Caller.ComplianceRole) is { } refusal)
        {
            return refusal;
        }

        var counts = ByReason(runtime);
        var history = await histories.GetAsync(runtime, http.RequestAborted);
        var examples = await QuarantineExamples.ReadAsync(runtime.Pipeline.Storage.Quarantine, ExamplesPerReason, ExampleBlobs, http.RequestAborted);
        var reasons = counts.Keys.Union(history.QuarantinedByReason.Keys, StringComparer.Ordinal).Union(examples.Keys, StringComparer.Ordinal)
            .Order(StringComparer.Ordinal).Select(reason => new
            {
                reason,
                count = counts.GetValueOrDefault(reason),
                historyCount = history.QuarantinedByReason.GetValueOrDefault(reason),
                examples = examples.GetValueOrDefault(reason) ?? [],
            });
        return DashboardResults.Ok(new { total = runtime.Stream.Statistics.Quarantined, historyTotal = history.Quarantined, historyDays = CounterHistoryCache.Days, reasons });
    }

    private static async Task<IResult> CustomerAsync(HttpContext http, LocalRuntime runtime, string tenant, string? subject, string? limit)
    {
        if (DashboardAccess.Refusal(http, DashboardAccess.StaffRole, Caller.ComplianceRole) is { } refusal)
        {
            return refusal;
        }

        if (!EnvelopeParser.IsValidTenant(tenant))
        {
            return DashboardResults.Problem(Problem.Of(400, "invalid-tenant", "Invalid tenant", "A tenant is 1-63 lower-case letters, digits and hyphens."));
        }

        if (string.IsNullOrWhiteSpace(subject))
        {
            return DashboardResults.Problem(Problem.Of(400, "missing-subject", "Missing subject", "Name the customer: /api/dashboard/customers/{tenant}/{subject}."));
        }

        var count = DefaultEventLimit;
        if (limit is not null && (!int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxEventLimit))
        {
            return DashboardResults.Problem(Problem.Of(400, "invalid-limit", "Invalid limit", $"limit must be a whole number from 1 to {MaxEventLimit}."));
        }

        var activity = await CustomerEvents.ReadAsync(runtime.Pipeline.Storage.Customers, tenant, subject, count, http.RequestAborted);
        return activity is null
            ? DashboardResults.Problem(Problem.Of(404, "customer-not-found", "Customer not found", $"Tenant '{tenant}' has no stored events for this subject."))
            : DashboardResults.Ok(activity);
    }

    private static async Task<IResult> PrivacyAsync(HttpContext http, LocalRuntime runtime, TimeProvider time)
    {
        if (DashboardAccess.Refusal(http, Caller.ComplianceRole) is { } refusal)
        {
            return refusal;
        }

        var now = time.GetUtcNow();
        var requests = await PrivacyOverview.ReadAsync(new PrivacyRequestStore(runtime.Pipeline.Storage.PrivacyRequests, time), now, http.RequestAborted);
        return DashboardResults.Ok(new { at = now, items = requests });
    }

    private static Dictionary<string, long> ByReason(LocalRuntime runtime) =>
        runtime.Stream.Statistics.QuarantinedByReason.ToDictionary(p => p.Key.ToString(), p => p.Value, StringComparer.Ordinal);
}
