using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Suppression;
using Serverless.Pipeline.Tests.Support;

namespace Serverless.Pipeline.Tests.Integration;

[Collection(AzuriteCollection.Name)]
public sealed class SuppressionListTests(AzuriteFixture azurite)
{
    private static readonly SubjectKeys Person = new("k1_person", null, null);

    private async Task<SuppressionList> ListAsync()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        return new SuppressionList(harness.Services.Storage.Suppressions, TimeProvider.System, TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task WaitForEarlierBatches_ABatchInFlightWhenTheListChanged_WaitsForItAloneNotForLaterOnes()
    {
        var list = await ListAsync();
        var earlier = list.EnterBatch();
        await list.AddAsync(TestEvents.Tenant, Person, "er_1", CancellationToken.None);
        using var later = list.EnterBatch();

        var wait = list.WaitForEarlierBatchesAsync(CancellationToken.None);

        Assert.False(wait.IsCompleted);
        earlier.Dispose();
        await wait.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task IsSuppressed_ListCachedBeforeAChange_SeesTheChangeAtOnce()
    {
        var list = await ListAsync();
        Assert.False(await list.IsSuppressedAsync(TestEvents.Tenant, Person, CancellationToken.None));

        await list.AddAsync(TestEvents.Tenant, Person, "er_1", CancellationToken.None);

        Assert.True(await list.IsSuppressedAsync(TestEvents.Tenant, Person, CancellationToken.None));
    }
}
