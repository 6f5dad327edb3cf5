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

    [Fact]
    public async Task Processing_InvalidEventsOfAnErasedPerson_AreSuppressedAndStoredNowhere()
    {
        var prefix = NewPrefix();
        await using var harness = await WorkflowHarness.StartAsync(azurite.Server, prefix);
        await harness.ProcessAsync([Lead("L-1", "customer/1", "erased@example.com"), Lead("L-2", "customer/2", "kept@example.com")], 0);
        var id = await harness.EraseAsync("customer/1", "erased@example.com");
        Assert.Equal("Completed", await CompleteAsync(harness, id));

        var result = await harness.ProcessAsync([
            Lead("late-by-subject", "customer/1", "someone-else@example.com", valid: false),
            Lead("late-by-email", "lead/NEW", " Erased@Example.COM ", valid: false),
            Lead("late-other", "customer/2", "kept@example.com", valid: false)], 10);

        Assert.Equal((2, 1), (result.Suppressed, result.Quarantined));
        var everything = await StorageScan.EverythingAsync(azurite.Server.ConnectionString, prefix);
        Assert.DoesNotContain(everything, item => item.Text.Contains("late-by", StringComparison.Ordinal)
            || item.Text.Contains("lead/NEW", StringComparison.Ordinal) || item.Text.Contains("lead%2FNEW", StringComparison.Ordinal)
            || item.Text.Contains("customer/1|", StringComparison.Ordinal) || item.Text.Contains("customer%2F1|", StringComparison.Ordinal));
        Assert.Single(await LinesAsync(prefix, "quarantine"), line => line.Contains("late-other", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Erasure_ByEmailOfAPersonKnownOnlyFromQuarantine_FindsAndErasesTheQuarantinedRecords()
    {
        var prefix = NewPrefix();
        await using var harness = await WorkflowHarness.StartAsync(azurite.Server, prefix);
        await harness.ProcessAsync([
            Lead("Q-1", "lead/Q-1", " Quinn.Only@Example.com ", valid: false, phone: "(617) 555-0142"),
            Lead("Q-2", "lead/Q-2", "quinn.only@example.com", valid: false),
            Lead("K-1", "customer/K-1", "quinn.onlyx@example.com"),
            Lead("K-2", "customer/K-2", "keep@example.com", valid: false)], 0);

        var id = await harness.EraseAsync(null, "quinn.only@example.com");

        Assert.Equal("Completed", await CompleteAsync(harness, id));
        var request = await harness.Privacy.Activities.Requests.GetAsync("erasure", id, CancellationToken.None);
        Assert.Equal(2, request!.Certificate!["customerRecords"]!.GetValue<int>());
        var everything = await StorageScan.EverythingAsync(azurite.Server.ConnectionString, prefix);
        foreach (var needle in new[] { "quinn.only@example.com", "Quinn.Only@Example.com", "quinn.only\\u0040example.com", "lead/Q-", "lead%2FQ-", "6175550142", "555-0142" })
        {
            Assert.DoesNotContain(everything, item => item.Text.Contains(needle, StringComparison.OrdinalIgnoreCase));
        }

        Assert.Equal(["K-2"], (await LinesAsync(prefix, "quarantine")).Select(l => JsonNode.Parse(l)!["eventId"]!.GetValue<string>()));
        Assert.Equal(["K-1"], (await LinesAsync(prefix, "raw")).Select(l => JsonNode.Parse(l)!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Certificate_AfterAnErasure_AccountsForEveryPlaceFieldByField()
    {
        var prefix = NewPrefix();
        await using var harness = await WorkflowHarness.StartAsync(azurite.Server, prefix);
        await harness.ProcessAsync([
            Lead("L-1", "customer/1", "cert@example.com"), Requests.PortalEvent("p-1", "customer/1"),
            Lead("L-1-bad", "customer/1", "cert@example.com", valid: false), Lead("L-2", "customer/2", "other@example.com")], 0);
        var export = await harness.ExportAsync("cert@example.com");
        Assert.Equal("Completed", await CompleteAsync(harness, export));

        var id = await harness.EraseAsync("customer/1", "cert@example.com");

        Assert.Equal("Completed", await CompleteAsync(harness, id));
        var request = (await harness.Privacy.Activities.Requests.GetAsync("erasure", id, CancellationToken.None))!;
        var certificate = request.Certificate!;
        var completedAt = certificate["completedAt"]!.GetValue<DateTimeOffset>();
        var at = request.Steps.ToDictionary(s => s.Name, s => s.At);
        var inventory = certificate["inventory"]!.AsArray().ToDictionary(e => e!["place"]!.GetValue<string>(), e => e!.AsObject());
        Assert.Equal(
            ["customerViews", "identityIndex", "exports", "rawArchive", "quarantine", "subjectIndex", "dedupeLedger", "deliveryLog", "eventStream",
             "blobSoftDelete", "workflowHistory", "telemetry", "suppressionList", "auditLog"],
            inventory.Keys);
        AssertErased(inventory["customerViews"], at["delete-views"], ("viewRows", 3));
        AssertErased(inventory["identityIndex"], at["delete-views"], ("identityRows", 1));
        AssertErased(inventory["exports"], at["delete-views"], ("exportDocuments", 1));
        AssertErased(inventory["rawArchive"], at["purge-raw"], ("blobsRewritten", 1), ("linesRemoved", 2));
        AssertErased(inventory["quarantine"], at["purge-quarantine"], ("blobsRewritten", 1), ("linesRemoved", 1));
        AssertErased(inventory["subjectIndex"], at["purge-quarantine"], ("indexRowsRemoved", 2));
        AssertErased(inventory["dedupeLedger"], at["purge-raw"], ("ledgerRowsRemoved", 2));
        AssertExpires(inventory["eventStream"], completedAt.AddDays(1), "retention of 1 day(s)");
        AssertExpires(inventory["blobSoftDelete"], at["purge-quarantine"].AddDays(14), "for 14 day(s)");
        AssertExpires(inventory["workflowHistory"], completedAt.AddHours(1), "purged after it ends");
        AssertExpires(inventory["telemetry"], completedAt.AddDays(30), "30 day(s)");
        Assert.StartsWith("Join keys and counts only", inventory["telemetry"]["holds"]!.GetValue<string>(), StringComparison.Ordinal);
        foreach (var kept in new[] { "deliveryLog", "suppressionList", "auditLog" })
        {
            Assert.Equal("kept", inventory[kept]["status"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(inventory[kept]["reason"]!.GetValue<string>()));
            Assert.Null(inventory[kept]["expiresBy"]);
        }

        Assert.DoesNotContain(await LinesAsync(prefix, "exports"), line => line.Contains("cert@example.com", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Erasure_WhileTheEarlierLedgerIsStillClaimed_RemovesTheClaimsInBothPlaces()
    {
        var prefix = NewPrefix();
        await using var harness = await WorkflowHarness.StartAsync(azurite.Server, prefix);
        // A deployment upgraded from the ledger: it held claims, so batches claim there too for a while.
        var ledger = new Serverless.Pipeline.Dedupe.EventIdLedger(harness.Pipeline.Storage.EventIds, TimeProvider.System);
        await ledger.ClaimAsync([new("acme-law", "before-upgrade", new("0", 1))], 1, CancellationToken.None);
        await harness.ProcessAsync([Lead("L-1", "customer/1", "both@example.com"), Requests.PortalEvent("p-1", "customer/1"), Lead("L-2", "customer/2", "other@example.com")], 10);
        Assert.True(await ledger.ContainsAsync("acme-law", "L-1", CancellationToken.None));

        var id = await harness.EraseAsync("customer/1", "both@example.com");

        Assert.Equal("Completed", await CompleteAsync(harness, id));
        Assert.False(await ledger.ContainsAsync("acme-law", "L-1", CancellationToken.None));
        Assert.False(await ledger.ContainsAsync("acme-law", "p-1", CancellationToken.None));
        Assert.True(await ledger.ContainsAsync("acme-law", "L-2", CancellationToken.None));
        var everything = await StorageScan.EverythingAsync(azurite.Server.ConnectionString, prefix);
        Assert.DoesNotContain(everything, item => item.Where.Contains("claim|", StringComparison.Ordinal) && item.Where.Contains("customer%2F1", StringComparison.Ordinal));
        Assert.Contains(everything, item => item.Where.EndsWith("customer%2F2/claim|L-2", StringComparison.Ordinal));
        var request = (await harness.Privacy.Activities.Requests.GetAsync("erasure", id, CancellationToken.None))!;
        var inventory = request.Certificate!["inventory"]!.AsArray().Single(e => e!["place"]!.GetValue<string>() == "dedupeLedger")!;
        Assert.Equal(4, inventory["counts"]!["ledgerRowsRemoved"]!.GetValue<long>());
    }

    private static void AssertErased(JsonObject entry, DateTimeOffset at, params (string Name, long Count)[] counts)
    {
        Assert.Equal("erased", entry["status"]!.GetValue<string>());
        Assert.Equal(at, entry["at"]!.GetValue<DateTimeOffset>());
        Assert.Equal(counts.ToDictionary(c => c.Name, c => c.Count), entry["counts"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<long>()));
        Assert.Null(entry["expiresBy"]);
    }

    private static void AssertExpires(JsonObject entry, DateTimeOffset by, string reason)
    {
        Assert.Equal("expires", entry["status"]!.GetValue<string>());
        Assert.Equal(by, entry["expiresBy"]!.GetValue<DateTimeOffset>());
        Assert.Contains(reason, entry["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(entry["counts"]);
    }

    [Fact]
    public async Task Erasure_ProcessorsInOneProcess_DoesNotWaitOutTheSuppressionCache()
    {
        var prefix = NewPrefix();
        await using var harness = await WorkflowHarness.StartAsync(azurite.Server, prefix, configure: o =>
        {
            o.SuppressionCacheLifetime = TimeSpan.FromMinutes(10);
            o.SuppressionMargin = TimeSpan.FromMinutes(10);
            o.AllProcessorsInProcess = true;
        });
        await harness.ProcessAsync([Lead("L-1", "customer/1", "fast@example.com")], 0);
        Assert.Equal(0, (await harness.ProcessAsync([Lead("L-warm", "customer/2", "warm@example.com")], 5)).Suppressed);

        var id = await harness.EraseAsync("customer/1", "fast@example.com");

        Assert.Equal("Completed", await CompleteAsync(harness, id));
        Assert.Equal(1, (await harness.ProcessAsync([Lead("L-late", "customer/1", "fast@example.com")], 10)).Suppressed);
    }
}
