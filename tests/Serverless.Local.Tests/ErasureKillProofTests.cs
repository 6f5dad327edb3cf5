using System.Text.Json.Nodes;
using Azure.Core;

namespace Serverless.Local.Tests;

/// <summary>
/// The erasure proof with the process killed at each step (after the step ran, before the workflow recorded it) and
/// inside the steps that delete, then started again: nothing of the person left, everyone else unchanged, and the
/// certificate's counts those of a clean run.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ErasureKillProofTests(AzuriteFixture azurite)
{
    private const int Customers = 200;
    private const string Email = "Targetina.Erasmus@Example.com";
    private const string Phone = "(617) 555-0199";
    private static readonly PersonTrace Person = new(
        "customer/TGT-7", "lead/LT-TGT", "lead/LQ-TGT", Email, "targetina.erasmus@example.com", Phone, "+16175550199", "6175550199",
        "Targetina", "Erasmus", "tgt-e", "LT-TGT", "LQ-TGT");

    private static string Lead(string leadId, string email, string? phone, string language = "en", string first = "Lee") =>
        Requests.PortalEvent(leadId, "lead/" + leadId, "intake.lead.created", new JsonObject
        {
            ["lead_id"] = leadId,
            ["created_at"] = "2026-11-20T14:03:11Z",
            ["contact"] = new JsonObject { ["first_name"] = first, ["last_name"] = "Erasmus", ["email"] = email, ["phone"] = phone, ["preferred_language"] = language },
        }.ToJsonString());

    private static async Task PopulateAsync(WorkflowHarness harness)
    {
        var everyone = Enumerable.Range(1, Customers).SelectMany(c => Enumerable.Range(0, 2).Select(i => Requests.PortalEvent($"c{c}-e{i}", $"customer/C-{c}"))).ToList();
        await harness.ProcessAsync(everyone.Take(Customers)
            .Concat([Requests.PortalEvent("tgt-e0", "customer/TGT-7"), Lead("LT-TGT", " " + Email + " ", Phone, first: "Targetina")]), 0);
        await harness.ProcessAsync(everyone.Skip(Customers)
            .Concat([Requests.PortalEvent("tgt-e1", "customer/TGT-7"), Requests.PortalEvent("tgt-bad", "customer/TGT-7", data: """{"path":"nope"}"""),
                Lead("LQ-TGT", Email.ToUpperInvariant(), null, language: "not a language!", first: "Targetina"), Requests.PortalEvent("tgt-e0", "customer/TGT-7")]), 1000);
    }

    private async Task<(string Steps, List<string> Others, List<string> Left)> EndStateAsync(WorkflowHarness harness, string prefix, string id)
    {
        var request = (await harness.Privacy.Activities.Requests.GetAsync("erasure", id, CancellationToken.None))!;
        var steps = string.Join("\n", request.Steps.Select(s => s.Name + " " + string.Join(",", s.Counts.Select(c => c.Key + "=" + c.Value))));
        var everything = (await StorageScan.EverythingAsync(azurite.Server.ConnectionString, prefix))
            .Select(item => (item.Where[prefix.Length..].Replace(prefix, "{prefix}", StringComparison.Ordinal), item.Text.Replace(prefix, "{prefix}", StringComparison.Ordinal)))
            .ToList();
        return (steps, Person.OthersOf(everything), Person.Left(everything));
    }

    private async Task<(string Steps, List<string> Others, List<string> Left)> RunAsync(Func<string, Func<HttpMessage, bool>>? killWhen)
    {
        var prefix = "k" + Guid.NewGuid().ToString("N")[..10];
        var fault = killWhen is null ? null : new FaultInjectionPolicy(killWhen(prefix), times: 1);
        string id;
        await using (var first = await WorkflowHarness.StartAsync(azurite.Server, prefix, fault))
        {
            await PopulateAsync(first);
            id = await first.EraseAsync("customer/TGT-7", Email, Phone);
            if (fault is null)
            {
                Assert.Equal("Completed", await first.Runner.WaitForCompletionAsync(id, TimeSpan.FromSeconds(60), CancellationToken.None));
                return await EndStateAsync(first, prefix, id);
            }

            await Poll.UntilAsync(() => fault.Injected > 0, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(10));
            Assert.Equal(1, fault.Injected);
        }

        await using var restarted = await WorkflowHarness.StartAsync(azurite.Server, prefix);
        Assert.Equal("Completed", await restarted.Runner.WaitForCompletionAsync(id, TimeSpan.FromSeconds(60), CancellationToken.None));
        return await EndStateAsync(restarted, prefix, id);
    }

    public static TheoryData<string> KillPoints =>
    [
        "Privacy_Register", "Privacy_Suppress", "Privacy_DeleteViews", "Privacy_PurgeRaw", "Privacy_PurgeQuarantine", "Privacy_ShredKeys", "Privacy_Verify",
        "inside delete-views", "inside purge-raw: ledger", "inside purge-raw: rewrite", "inside purge: index row", "inside purge-quarantine: rewrite",
    ];

    private static Func<string, Func<HttpMessage, bool>> Kill(string where) => prefix => message => where switch
    {
        "inside delete-views" => message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal)
            && FaultInjectionPolicy.BodyMentions(message, prefix + "customers") && FaultInjectionPolicy.BodyMentions(message, "DELETE "),
        // Each erased event id is looked up in the earlier ledger; the claims in the customer partitions went with the views.
        "inside purge-raw: ledger" => message.Request.Method == RequestMethod.Get
            && Uri.UnescapeDataString(message.Request.Uri.Path).Contains(prefix + "eventids(PartitionKey='acme-law|", StringComparison.Ordinal),
        "inside purge-raw: rewrite" => IsRewrite(message, prefix + "raw/"),
        "inside purge: index row" => message.Request.Method == RequestMethod.Delete && message.Request.Uri.Path.Contains(prefix + "customers", StringComparison.Ordinal),
        "inside purge-quarantine: rewrite" => IsRewrite(message, prefix + "quarantine/"),
        _ => message.Request.Uri.Path.EndsWith(prefix + "workflows", StringComparison.Ordinal) && FaultInjectionPolicy.BodyMentions(message, where),
    };

    // A purge rewrites a blob under the ETag it read, or deletes it when nothing is left; processing only creates blobs.
    private static bool IsRewrite(HttpMessage message, string path) =>
        message.Request.Uri.Path.Contains(path, StringComparison.Ordinal)
        && (message.Request.Method == RequestMethod.Delete || message.Request.Method == RequestMethod.Put && message.Request.Headers.TryGetValue("If-Match", out _));

    [Theory]
    [MemberData(nameof(KillPoints))]
    public async Task Erasure_KilledAndRestarted_LeavesNothingOfThePersonAndTheCleanRunsCounts(string killPoint)
    {
        var clean = await RunAsync(null);

        var killed = await RunAsync(Kill(killPoint));

        Assert.Empty(clean.Left);
        Assert.True(killed.Left.Count == 0, string.Join("\n", killed.Left));
        Assert.Equal(clean.Others, killed.Others);
        Assert.Equal(clean.Steps, killed.Steps);
        Assert.Contains("customer/C-1", string.Join("\n", killed.Others), StringComparison.Ordinal);
    }
}
