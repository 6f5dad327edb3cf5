namespace Serverless.Local.Hosting;

/// <summary>
/// Where the local runtime stores (<c>Storage</c>): a connection string, or service URIs with Microsoft Entra ID
/// (DefaultAzureCredential) for a real account; with neither, it starts Azurite itself.
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public string? ConnectionString { get; set; }

    public Uri? BlobServiceUri { get; set; }

    public Uri? TableServiceUri { get; set; }

    /// <summary>Folder Azurite persists to, relative to the repository root; results outlive the run.</summary>
    public string AzuriteLocation { get; set; } = ".azurite";

    /// <summary>Keep Azurite's data in memory only.</summary>
    public bool AzuriteInMemory { get; set; }
}
