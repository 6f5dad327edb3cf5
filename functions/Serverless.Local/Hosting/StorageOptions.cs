using Serverless.DevKit.Discovery;

namespace Serverless.Local.Hosting;

/// <summary>
/// Where the local runtime stores (<c>Storage</c>): a connection string, or service URIs with Microsoft Entra ID
/// (DefaultAzureCredential) for a real account; with neither, it starts its own Azurite, on 127.0.0.1:10000-10002 when
/// those are free and on free ports otherwise, so it never works on another program's data by accident.
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

    /// <summary>
    /// Use the Azurite already listening on 127.0.0.1:10000-10002 (its well-known account) instead of starting one.
    /// Off by default: whatever listens there may hold someone else's data.
    /// </summary>
    public bool UseRunningAzurite { get; set; }

    /// <summary>
    /// Where the runtime says, while it runs with an Azurite it started, how to reach that storage and its settings
    /// (relative to the repository root). The operator CLI reads it when it is given no storage.
    /// </summary>
    public string RuntimeStateFile { get; set; } = LocalRuntimeState.DefaultPath;
}
