using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Moq;
using Serverless.Pipeline.Privacy.Erasure;

namespace Serverless.Pipeline.Tests.Unit;

/// <summary>Blob versions exist only in Azure (Azurite has none), so the listing is faked at the SDK seam.</summary>
public sealed class BlobVersionCheckTests
{
    private const string Name = "acme-law/2026/11/21/10/p0-1-2.jsonl.gz";

    private static Mock<BlobContainerClient> ContainerListing(params BlobItem[] items)
    {
        var container = new Mock<BlobContainerClient>(MockBehavior.Strict);
        container.Setup(c => c.GetBlobsAsync(BlobTraits.None, BlobStates.Version, Name, It.IsAny<CancellationToken>()))
            .Returns(AsyncPageable<BlobItem>.FromPages([Page<BlobItem>.FromValues(items, null, Mock.Of<Response>())]));
        return container;
    }

    [Fact]
    public async Task EarlierVersions_VersionedAccountAfterARewrite_CountsTheEarlierVersionsOfThatBlobOnly()
    {
        var container = ContainerListing(
            BlobsModelFactory.BlobItem(name: Name, versionId: "2026-11-21T10:00:00.0000000Z", isLatestVersion: false),
            BlobsModelFactory.BlobItem(name: Name, versionId: "2026-11-21T10:05:00.0000000Z", isLatestVersion: false),
            BlobsModelFactory.BlobItem(name: Name, versionId: "2026-11-21T10:09:00.0000000Z", isLatestVersion: true),
            BlobsModelFactory.BlobItem(name: Name + ".other", versionId: "2026-11-21T10:00:00.0000000Z", isLatestVersion: false));

        Assert.Equal(2, await BlobVersionCheck.EarlierVersionsAsync(container.Object, Name, CancellationToken.None));
    }

    [Fact]
    public async Task EarlierVersions_AccountWithoutVersioning_FindsNone()
    {
        var container = ContainerListing(BlobsModelFactory.BlobItem(name: Name));

        Assert.Equal(0, await BlobVersionCheck.EarlierVersionsAsync(container.Object, Name, CancellationToken.None));
    }
}
