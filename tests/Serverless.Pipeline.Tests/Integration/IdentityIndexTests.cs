using Azure.Data.Tables;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Tests.Support;
using Serverless.Pipeline.Views;

namespace Serverless.Pipeline.Tests.Integration;

[Collection(AzuriteCollection.Name)]
public sealed class IdentityIndexTests(AzuriteFixture azurite)
{
    private static byte[] Lead(int n) => TestEvents.CloudEvent($"lead-{n}", "intake.lead.created", $"lead/{n}",
        $$$"""{"lead_id":"L-{{{n}}}","created_at":"2026-11-21T10:00:00Z","contact":{"email":"person{{{n}}}@example.com","phone":"(617) 555-{{{n:D4}}}"}}""");

    private static SubjectKeys ByEmail(StorageHarness harness, int n) =>
        SubjectKeys.For(harness.Services.Pseudonymizer, TestEvents.Tenant, null, $"person{n}@example.com", null);

    [Fact]
    public async Task ProcessAsync_ManyNewLeads_WritesIdentityRowsInFewTransactionsAndFindsEach()
    {
        var log = new RequestLog();
        var harness = await StorageHarness.CreateAsync(azurite.Server, fault: log);

        var result = await harness.Processor.ProcessAsync(TestEvents.Batch("0", 0, Enumerable.Range(1, 60).Select(Lead).ToArray()), CancellationToken.None);

        Assert.Equal(60, result.Stored);
        Assert.Equal(0, log.To("PUT", "identities"));
        Assert.InRange(log.Requests.Count(r => r.Path.EndsWith("$batch", StringComparison.Ordinal)), 1, 60 + 16 + 32 + 1);
        Assert.Equal(120, (await harness.EntitiesAsync(harness.Services.Storage.Identities)).Count);
        var index = new IdentityIndex(harness.Services.Storage.Identities, harness.Services.Pseudonymizer);
        foreach (var n in new[] { 1, 30, 60 })
        {
            Assert.Equal([$"lead/{n}"], await index.FindSubjectsAsync(TestEvents.Tenant, ByEmail(harness, n), CancellationToken.None));
        }
    }

    [Fact]
    public async Task FindSubjectsAsync_RowOfTheEarlierLayout_IsFoundAndDeletedWithTheNewOnes()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        await harness.Processor.ProcessAsync(TestEvents.Batch("0", 0, Lead(7)), CancellationToken.None);
        var keys = ByEmail(harness, 7);
        var legacy = new TableEntity(TableKeys.Escape(TestEvents.Tenant) + "|email|" + keys.Email, TableKeys.Escape("lead/old")) { ["Subject"] = "lead/old" };
        await harness.Services.Storage.Identities.AddEntityAsync(legacy);
        var index = new IdentityIndex(harness.Services.Storage.Identities, harness.Services.Pseudonymizer);

        var found = await index.FindSubjectsAsync(TestEvents.Tenant, keys, CancellationToken.None);
        var rows = await index.RowsOfAsync(TestEvents.Tenant, [keys], ["lead/7"], CancellationToken.None);
        await index.DeleteRowsAsync(rows, CancellationToken.None);

        Assert.Equal(["lead/7", "lead/old"], found);
        Assert.Contains((legacy.PartitionKey, legacy.RowKey), rows);
        Assert.Equal(3, rows.Count);
        Assert.Empty(await harness.EntitiesAsync(harness.Services.Storage.Identities));
    }
}
