using Azure.Storage.Blobs;
using Azure.Storage.Sas;

namespace Serverless.Pipeline.Privacy.Api;

/// <summary>
/// A read-only, time-limited link to an export: signed with the account key where there is one (Azurite), with a
/// user delegation key from Microsoft Entra ID otherwise (Azure, where shared keys are disabled).
/// </summary>
public static class ExportLinks
{
    public static async Task<Uri> CreateAsync(BlobServiceClient service, BlobClient blob, TimeSpan lifetime, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(blob);
        var expiresOn = now + lifetime;
        if (blob.CanGenerateSasUri)
        {
            return blob.GenerateSasUri(BlobSasPermissions.Read, expiresOn);
        }

        var key = await service.GetUserDelegationKeyAsync(now.AddMinutes(-5), expiresOn, cancellationToken).ConfigureAwait(false);
        var sas = new BlobSasBuilder
        {
            BlobContainerName = blob.BlobContainerName,
            BlobName = blob.Name,
            Resource = "b",
            StartsOn = now.AddMinutes(-5),
            ExpiresOn = expiresOn,
        };
        sas.SetPermissions(BlobSasPermissions.Read);
        return new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key.Value, service.AccountName) }.ToUri();
    }
}
