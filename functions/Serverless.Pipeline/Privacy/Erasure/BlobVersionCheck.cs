using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Serverless.Pipeline.Privacy.Erasure;

/// <summary>
/// Counts a blob's earlier versions. The customer-data account keeps none (versioning is off there), so a purge that
/// rewrote a blob left nothing behind in a version; if versioning were turned back on, verification finds the
/// versions and fails instead of certifying. Azurite has no versioning and lists none.
/// </summary>
public static class BlobVersionCheck
{
    public static async Task<int> EarlierVersionsAsync(BlobContainerClient container, string blobName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        var earlier = 0;
        await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.Version, blobName, cancellationToken).ConfigureAwait(false))
        {
            if (item.Name == blobName && item.VersionId is not null && item.IsLatestVersion != true)
            {
                earlier++;
            }
        }

        return earlier;
    }
}
