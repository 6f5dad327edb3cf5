using System.CommandLine;

namespace Serverless.Cli;

/// <summary>Options every command that touches storage takes.</summary>
public sealed class GlobalOptions
{
    public Option<string?> ConnectionString { get; } = new("--connection-string")
    {
        Description = "Storage connection string (default: the AzureWebJobsStorage environment variable).",
        Recursive = true,
    };

    public Option<string?> Account { get; } = new("--account")
    {
        Description = "Storage account name, signed in with DefaultAzureCredential (Microsoft Entra ID).",
        Recursive = true,
    };

    public Option<string?> Prefix { get; } = new("--prefix")
    {
        Description = "Prefix of the pipeline's tables and containers (Pipeline:StoragePrefix).",
        Recursive = true,
    };

    public Option<FileInfo?> Settings { get; } = new("--settings")
    {
        Description = "A JSON settings file with a 'Pipeline' section (as appsettings.json); environment variables such as Pipeline__PseudonymizationKey override it.",
        Recursive = true,
    };

    public void AddTo(RootCommand root)
    {
        root.Add(ConnectionString);
        root.Add(Account);
        root.Add(Prefix);
        root.Add(Settings);
    }
}
