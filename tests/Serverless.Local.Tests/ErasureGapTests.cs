using System.Text.Json.Nodes;

namespace Serverless.Local.Tests;

/// <summary>The erasure's edges: near-identical people, invalid events, people known only from quarantine, resumed steps.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ErasureGapTests(AzuriteFixture azurite)
{
    private static string Lead(string id, string subject, string email, bool valid = true, string? phone = null)
    {
        var contact = new JsonObject { ["email"] = email };
        if (phone is not null)
        {
            contact["phone"] = phone;
        }

        var data = new JsonObject { ["lead_id"] = id, ["contact"] = contact };
        if (valid)
        {
            data["created_at"] = "2026-11-20T14:03:11Z";
        }

        return Requests.PortalEvent(id, subject, "intake.lead.created", data.ToJsonString());
    }

    private static string NewPrefix() => "g" + Guid.NewGuid().ToString("N")[..10];

    private async Task<List<string>> LinesAsync(string prefix, string container) =>
        (await StorageScan.EverythingAsync(azurite.Server.ConnectionString, prefix))
            .Where(item => item.Where.StartsWith(prefix + container + "/", StringComparison.Ordinal))
            .SelectMany(item => item.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line => line.StartsWith('{')))
            .ToList();

    private static async Task<string> CompleteAsync(WorkflowHarness harness, string id) =>
        await harness.Runner.WaitForCompletionAsync(id, TimeSpan.FromSeconds(60), CancellationToken.None);

    [Fact]
    public async Task Erasure_NearIdenticalSubjectAndEmailInSharedBlobs_RemovesOnlyThePersonsLinesAndVerifiesClean()
    {
        var prefix = NewPrefix();
        await using var harness = await WorkflowHarness.StartAsync(azurite.Server, prefix);
        await harness.ProcessAsync([
            Lead("L-1", "customer/1", "a@b.com"),
            Lead("L-12", "customer/12", "aa@b.com"),
            Lead("L-1-bad", "customer/1", "a@b.com", valid: false),
            Lead("L-12-bad", "customer/12", "aa@b.com", valid: false)], 0);

        var id = await harness.EraseAsync("customer/1", "a@b.com");

        Assert.Equal("Completed", await CompleteAsync(harness, id));
        var raw = Assert.Single(await LinesAsync(prefix, "raw"));
        Assert.Equal("customer/12", JsonNode.Parse(raw)!["subject"]!.GetValue<string>());
        var quarantined = Assert.Single(await LinesAsync(prefix, "quarantine"));
        Assert.Equal("L-12-bad", JsonNode.Parse(quarantined)!["eventId"]!.GetValue<string>());
        var request = await harness.Privacy.Activities.Requests.GetAsync("erasure", id, CancellationToken.None);
        Assert.Single(request!.Steps, s => s.Name == "verify");
    }
}
