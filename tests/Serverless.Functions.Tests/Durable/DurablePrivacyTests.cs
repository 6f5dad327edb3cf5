using System.Text.Json.Nodes;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Serverless.Functions.Privacy;
using Serverless.Pipeline.Privacy.Requests;
using Serverless.Pipeline.Privacy.Workflows;
using static Serverless.Functions.Tests.Durable.PrivacyEndpoints;

namespace Serverless.Functions.Tests.Durable;

/// <summary>
/// The privacy workflows on a real Durable engine: the app's HTTP functions start them through the Durable client, the
/// app's orchestrators run the shared workflow definitions, and the app's activities act on Azurite. Each test checks
/// what storage holds afterwards, as the local runner's tests do.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DurablePrivacyTests(AzuriteFixture azurite)
{
    private static readonly string[] ErasureSteps = ["register", "suppress", "delete-views", "purge-raw", "purge-quarantine", "shred-keys", "verify"];

    [Fact]
    public async Task TaskRegistration_AppFunctions_AreEveryActivityAndOrchestratorOfTheApp()
    {
        await using var app = await FunctionsAppHost.StartAsync(azurite.Server);

        Assert.Equal(AppTaskRegistration.AppFunctionsTriggeredBy<ActivityTriggerAttribute>().Order(StringComparer.Ordinal),
            app.Tasks.Activities.Order(StringComparer.Ordinal));
        Assert.Equal(AppTaskRegistration.AppFunctionsTriggeredBy<OrchestrationTriggerAttribute>().Order(StringComparer.Ordinal),
            app.Tasks.Orchestrators.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Erasure_WithoutFourEyes_CompletesAndLeavesNothingOfThePerson()
    {
        await using var app = await FunctionsAppHost.StartAsync(azurite.Server);
        var privacy = new PrivacyEndpoints(app);
        await privacy.IngestAsync(CustomerEvents.Population());

        var id = await privacy.CreatedIdAsync("erasures", Erasure());
        var (instance, request) = await privacy.EndedAsync("erasures", id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, instance.RuntimeStatus);
        Assert.Equal(RequestStatus.Completed, instance.ReadOutputAs<WorkflowOutcome>()!.Status);
        Assert.Equal(RequestStatus.Completed, request["status"]!.GetValue<string>());
        Assert.Equal(ErasureSteps, StepNames(request));
        Assert.Equal(4, Step(request, "purge-raw")["counts"]!["linesRemoved"]!.GetValue<long>());
        Assert.Equal(1, Step(request, "purge-quarantine")["counts"]!["linesRemoved"]!.GetValue<long>());
        var certificate = request["certificate"]!;
        Assert.Equal(2, certificate["customerRecords"]!.GetValue<int>());
        var everything = await StorageScan.EverythingAsync(azurite.Server.ConnectionString, app.Prefix);
        Assert.DoesNotContain(everything, item => CustomerEvents.PersonNeedles.Any(needle => item.Text.Contains(needle, StringComparison.OrdinalIgnoreCase)));
        Assert.Contains(everything, item => item.Where.StartsWith(app.Prefix + "customers/acme-law|customer%2FC-6/profile", StringComparison.Ordinal));
        Assert.Contains(everything, item => item.Text.Contains("other@example.com", StringComparison.Ordinal));
        await AssertAuditAsync(privacy, app, "acme-law", ["erasure-completed"], certificate["audit"]!["sequence"]!.GetValue<long>());
    }

    [Fact]
    public async Task Erasure_FourEyes_AwaitsApprovalAndCompletesOnceASecondOfficerApproves()
    {
        await using var app = await FunctionsAppHost.StartAsync(azurite.Server);
        var privacy = new PrivacyEndpoints(app);
        await privacy.IngestAsync([CustomerEvents.FormSubmission("approve-me")]);
        var id = await AwaitingApprovalAsync(privacy, "form/approve-me");

        var self = await privacy.ApproveAsync(id, Alice);
        var other = await privacy.ApproveAsync(id, Bob);
        var (instance, request) = await privacy.EndedAsync("erasures", id);

        Assert.Equal(409, self.Status);
        Assert.Equal(202, other.Status);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, instance.RuntimeStatus);
        Assert.Equal(RequestStatus.Completed, request["status"]!.GetValue<string>());
        Assert.Equal(Bob, request["approvedBy"]!.GetValue<string>());
        Assert.Contains("approve", StepNames(request));
        var everything = await StorageScan.EverythingAsync(azurite.Server.ConnectionString, app.Prefix);
        Assert.DoesNotContain(everything, item => item.Text.Contains("approve-me", StringComparison.Ordinal));
        await AssertAuditAsync(privacy, app, "paris-avocats", ["erasure-completed"], request["certificate"]!["audit"]!["sequence"]!.GetValue<long>());
    }

    [Fact]
    public async Task Erasure_CancelledWhileAwaitingApproval_IsCancelledErasesNothingAndLiftsSuppression()
    {
        await using var app = await FunctionsAppHost.StartAsync(azurite.Server);
        var privacy = new PrivacyEndpoints(app);
        await privacy.IngestAsync([CustomerEvents.FormSubmission("keep")]);
        var id = await AwaitingApprovalAsync(privacy, "form/keep");

        var cancel = await privacy.CancelAsync(id, Bob);
        var (instance, request) = await privacy.EndedAsync("erasures", id);
        var again = await privacy.CancelAsync(id, Bob);

        Assert.Equal(202, cancel.Status);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, instance.RuntimeStatus);
        Assert.Equal(RequestStatus.Cancelled, request["status"]!.GetValue<string>());
        Assert.Equal(409, again.Status);
        var everything = await StorageScan.EverythingAsync(azurite.Server.ConnectionString, app.Prefix);
        Assert.Contains(everything, item => item.Where.StartsWith(app.Prefix + "customers/paris-avocats|form%2Fkeep/profile", StringComparison.Ordinal));
        Assert.Contains(everything, item => item.Where.StartsWith(app.Prefix + "raw/", StringComparison.Ordinal) && item.Text.Contains("keep@example.fr", StringComparison.Ordinal));
        Assert.DoesNotContain(everything, item => item.Where.StartsWith(app.Prefix + "suppressions/", StringComparison.Ordinal));
        await AssertAuditAsync(privacy, app, "paris-avocats", ["request-cancelled"], 1);
    }

    [Fact]
    public async Task Erasure_NotApprovedInTime_ExpiresWhenTheDurableTimerFires()
    {
        // The engine's timers run on the wall clock, so the tenant's approval window is made short through the app's settings.
        await using var app = await FunctionsAppHost.StartAsync(azurite.Server, settings: new Dictionary<string, string?>
        {
            ["Pipeline:Tenants:paris-avocats:ApprovalTimeout"] = "00:00:01",
        });
        var privacy = new PrivacyEndpoints(app);
        var id = await privacy.CreatedIdAsync("erasures", Erasure("paris-avocats", "form/late"));

        var (instance, request) = await privacy.EndedAsync("erasures", id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, instance.RuntimeStatus);
        Assert.Equal(RequestStatus.Expired, request["status"]!.GetValue<string>());
        Assert.Equal(["register", "suppress", "expired"], StepNames(request));
        var everything = await StorageScan.EverythingAsync(azurite.Server.ConnectionString, app.Prefix);
        Assert.DoesNotContain(everything, item => item.Where.StartsWith(app.Prefix + "suppressions/", StringComparison.Ordinal));
        await AssertAuditAsync(privacy, app, "paris-avocats", ["request-expired"], 1);
    }

    [Fact]
    public async Task Export_OfOneCustomer_CompletesWithADownloadableDocumentOfTheirEvents()
    {
        await using var app = await FunctionsAppHost.StartAsync(azurite.Server);
        var privacy = new PrivacyEndpoints(app);
        await privacy.IngestAsync(CustomerEvents.Population());

        var id = await privacy.CreatedIdAsync("exports", new { tenant = "acme-law", email = CustomerEvents.TargetEmail, requester = "the data subject" });
        var (instance, request) = await privacy.EndedAsync("exports", id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, instance.RuntimeStatus);
        Assert.Equal(RequestStatus.Completed, request["status"]!.GetValue<string>());
        using var download = new HttpClient();
        var document = JsonNode.Parse(await download.GetStringAsync(new Uri(request["download"]!["url"]!.GetValue<string>())))!;
        var records = document["customerRecords"]!.AsArray();
        Assert.Equal(["customer/C-7", "lead/LT-1"], records.Select(r => r!["subject"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(4, records.Sum(r => r!["events"]!.AsArray().Count));
        Assert.Contains(CustomerEvents.TargetEmail, document.ToJsonString(), StringComparison.Ordinal);
        await AssertAuditAsync(privacy, app, "acme-law", ["export-completed"], 1);
    }

    [Fact]
    public async Task Erasure_ActivityFailingOnce_IsRetriedByDurableAndCompletesWithOneAuditRecord()
    {
        // PurgeRaw rewrites the archive, then deletes the subject index row; the first such delete fails as in an outage,
        // after the rewrite, so the retried activity finds the archive already clean.
        var prefix = FunctionsAppHost.NewPrefix();
        var fault = new FaultInjectionPolicy(message => message.Request.Method.ToString() == "DELETE"
            && message.Request.Uri.Path.Contains("/" + prefix + "customers(", StringComparison.Ordinal), times: 1);
        await using var app = await FunctionsAppHost.StartAsync(azurite.Server, prefix, storageFault: fault);
        var privacy = new PrivacyEndpoints(app);
        await privacy.IngestAsync(CustomerEvents.Population());

        var id = await privacy.CreatedIdAsync("erasures", Erasure());
        var (instance, request) = await privacy.EndedAsync("erasures", id);

        Assert.Equal(1, fault.Injected);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, instance.RuntimeStatus);
        Assert.Equal(RequestStatus.Completed, request["status"]!.GetValue<string>());
        Assert.Equal(ErasureSteps, StepNames(request));
        var everything = await StorageScan.EverythingAsync(azurite.Server.ConnectionString, app.Prefix);
        Assert.DoesNotContain(everything, item => CustomerEvents.PersonNeedles.Any(needle => item.Text.Contains(needle, StringComparison.OrdinalIgnoreCase)));
        await AssertAuditAsync(privacy, app, "acme-law", ["erasure-completed"], request["certificate"]!["audit"]!["sequence"]!.GetValue<long>());
    }

    [Fact]
    public async Task HistoryPurge_EndedAndWaitingInstances_PurgesTheEndedAndKeepsTheWaiting()
    {
        await using var app = await FunctionsAppHost.StartAsync(azurite.Server);
        var privacy = new PrivacyEndpoints(app);
        var ended = await privacy.CreatedIdAsync("exports", new { tenant = "acme-law", email = CustomerEvents.TargetEmail, requester = "the data subject" });
        await privacy.EndedAsync("exports", ended);
        var waiting = await AwaitingApprovalAsync(privacy, "form/waiting");

        await app.Function<WorkflowHistoryPurge>().RunAsync(new TimerInfo(), app.Client, CancellationToken.None);

        Assert.Null(await app.Client.GetInstanceAsync(ended));
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await app.Client.GetInstanceAsync(waiting))!.RuntimeStatus);
        Assert.Equal(RequestStatus.Completed, (await privacy.GetAsync("exports", ended)).Body["status"]!.GetValue<string>());
        Assert.Equal(202, (await privacy.ApproveAsync(waiting, Bob)).Status);
        Assert.Equal(RequestStatus.Completed, (await privacy.EndedAsync("erasures", waiting)).Request["status"]!.GetValue<string>());
    }

    private static object Erasure(string tenant = "acme-law", string subject = "customer/C-7") => tenant == "acme-law"
        ? new { tenant, subject, email = CustomerEvents.TargetEmail, phone = "+1 617 555 0199", reason = "Art. 17(1)(b): consent withdrawn", requester = "ticket #4711" }
        : new { tenant, subject, reason = "Art. 17(1)(b): consent withdrawn", requester = "ticket #4711" };

    /// <summary>Requests the erasure of a paris-avocats subject and waits until it awaits a second officer's approval.</summary>
    private static async Task<string> AwaitingApprovalAsync(PrivacyEndpoints privacy, string subject)
    {
        var id = await privacy.CreatedIdAsync("erasures", Erasure("paris-avocats", subject));
        await privacy.WaitForStatusAsync("erasures", id, RequestStatus.AwaitingApproval);
        return id;
    }

    private static List<string> StepNames(JsonNode request) => [.. request["steps"]!.AsArray().Select(s => s!["name"]!.GetValue<string>())];

    private static JsonNode Step(JsonNode request, string name) => request["steps"]!.AsArray().First(s => s!["name"]!.GetValue<string>() == name)!;

    /// <summary>The tenant's audit chain is intact, holds <paramref name="records"/> records, and its actions are <paramref name="actions"/>.</summary>
    private async Task AssertAuditAsync(PrivacyEndpoints privacy, FunctionsAppHost app, string tenant, string[] actions, long records)
    {
        var (status, verification) = await privacy.VerifyAuditAsync(tenant);
        Assert.Equal(200, status);
        Assert.True(verification["valid"]!.GetValue<bool>(), verification.ToJsonString());
        Assert.Equal(records, verification["records"]!.GetValue<long>());
        var audit = (await StorageScan.EverythingAsync(azurite.Server.ConnectionString, app.Prefix))
            .Where(item => item.Where.StartsWith($"{app.Prefix}audit/{tenant}/", StringComparison.Ordinal) && item.Where.EndsWith(".json", StringComparison.Ordinal))
            .OrderBy(item => item.Where, StringComparer.Ordinal)
            .Select(item => JsonNode.Parse(item.Text[(item.Text.IndexOf('\n', StringComparison.Ordinal) + 1)..])!["action"]!.GetValue<string>());
        Assert.Equal(actions, audit);
    }
}
