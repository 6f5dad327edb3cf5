using System.Text.Json.Nodes;
using Serverless.Pipeline.Privacy.Audit;
using Serverless.Pipeline.Tests.Support;

namespace Serverless.Pipeline.Tests.Integration;

[Collection(AzuriteCollection.Name)]
public sealed class AuditLogTests(AzuriteFixture azurite)
{
    private async Task<(StorageHarness Harness, AuditLog Log)> LogWithRecordsAsync(int count)
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        var log = new AuditLog(harness.Services.Storage.Audit, harness.Services.Storage.AuditHead, TimeProvider.System);
        for (var i = 1; i <= count; i++)
        {
            await log.AppendAsync("acme-law", "er_" + i, "erasure-completed", new JsonObject { ["lines"] = i }, CancellationToken.None);
        }

        return (harness, log);
    }


    [Fact]
    public async Task VerifyAsync_UntouchedChain_IsValid()
    {
        var (_, log) = await LogWithRecordsAsync(4);

        var verification = await log.VerifyAsync("acme-law", CancellationToken.None);

        Assert.True(verification.IsValid, string.Join(" ", verification.Problems));
        Assert.Equal(4, verification.Records);
    }

    [Fact]
    public async Task VerifyAsync_DetailsWithDatesNullsAndNestedValues_StayValidAfterTheRoundTrip()
    {
        var (_, log) = await LogWithRecordsAsync(0);
        var details = new JsonObject
        {
            ["completedAt"] = new DateTimeOffset(2026, 11, 23, 12, 0, 1, TimeSpan.Zero).AddTicks(1234567),
            ["approvedBy"] = null,
            ["name"] = "Zoë + \"quoted\" <tag>",
            ["steps"] = System.Text.Json.JsonSerializer.SerializeToNode(new[] { new { name = "verify", counts = new Dictionary<string, long> { ["checked"] = 3 } } }),
            ["ratio"] = 0.1,
        };

        await log.AppendAsync("acme-law", "er_dates", "erasure-completed", details, CancellationToken.None);
        var verification = await log.VerifyAsync("acme-law", CancellationToken.None);

        Assert.True(verification.IsValid, string.Join(" ", verification.Problems));
    }

    [Fact]
    public async Task AppendAsync_SameRequestAndActionTwice_AppendsOnce()
    {
        var (_, log) = await LogWithRecordsAsync(2);

        var again = await log.AppendAsync("acme-law", "er_2", "erasure-completed", new JsonObject { ["lines"] = 99 }, CancellationToken.None);

        Assert.Equal(2, again.Sequence);
        Assert.Equal(2, (await log.VerifyAsync("acme-law", CancellationToken.None)).Records);
    }

    [Fact]
    public async Task VerifyAsync_EditedRecord_FailsNamingIt()
    {
        var (harness, log) = await LogWithRecordsAsync(4);
        var blob = harness.Services.Storage.Audit.GetBlobClient(AuditLog.BlobName("acme-law", 2));
        var record = JsonNode.Parse((await blob.DownloadContentAsync()).Value.Content.ToString())!.AsObject();
        record["details"]!["lines"] = 0;
        await blob.UploadAsync(BinaryData.FromString(record.ToJsonString()), overwrite: true);

        var verification = await log.VerifyAsync("acme-law", CancellationToken.None);

        Assert.False(verification.IsValid);
        Assert.Contains(verification.Problems, p => p.Contains("Record 2 was altered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAsync_RecordRemovedFromTheMiddle_Fails()
    {
        var (harness, log) = await LogWithRecordsAsync(4);
        await harness.Services.Storage.Audit.DeleteBlobAsync(AuditLog.BlobName("acme-law", 3));

        var verification = await log.VerifyAsync("acme-law", CancellationToken.None);

        Assert.False(verification.IsValid);
        Assert.Contains(verification.Problems, p => p.Contains("Record 3 is missing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAsync_LastRecordRemoved_Fails()
    {
        var (harness, log) = await LogWithRecordsAsync(3);
        await harness.Services.Storage.Audit.DeleteBlobAsync(AuditLog.BlobName("acme-law", 3));

        var verification = await log.VerifyAsync("acme-law", CancellationToken.None);

        Assert.False(verification.IsValid);
        Assert.Contains(verification.Problems, p => p.Contains("removed from the end", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAsync_RecordReplacedWithRehashedForgery_FailsAtTheNextLink()
    {
        var (harness, log) = await LogWithRecordsAsync(3);
        var blob = harness.Services.Storage.Audit.GetBlobClient(AuditLog.BlobName("acme-law", 2));
        var original = AuditRecord.FromJson(JsonNode.Parse((await blob.DownloadContentAsync()).Value.Content.ToString())!.AsObject());
        var details = new JsonObject { ["lines"] = 0 };
        var forged = original with { Details = details, Hash = AuditRecord.ComputeHash(2, original.Tenant, original.RequestId, original.Action, original.At, details, original.PreviousHash) };
        await blob.UploadAsync(BinaryData.FromString(forged.ToJson().ToJsonString()), overwrite: true);

        var verification = await log.VerifyAsync("acme-law", CancellationToken.None);

        Assert.False(verification.IsValid);
        Assert.Contains(verification.Problems, p => p.Contains("Record 3 does not link", StringComparison.Ordinal));
    }
}
