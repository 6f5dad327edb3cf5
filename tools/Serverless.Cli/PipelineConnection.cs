using System.CommandLine;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Serverless.Pipeline.Composition;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Storage;

namespace Serverless.Cli;

/// <summary>
/// Opens the pipeline's storage the way the apps do: a connection string (option, then AzureWebJobsStorage), or an
/// account name with DefaultAzureCredential; and reads the pipeline's settings from a file and the environment.
/// The pseudonymization key is never taken from the command line, where shells and process lists would keep it.
/// </summary>
internal static class PipelineConnection
{
    public const string StorageVariable = "AzureWebJobsStorage";

    public static (BlobServiceClient Blobs, TableServiceClient Tables) OpenStorage(ParseResult parse, GlobalOptions global, CliEnvironment environment)
    {
        var connectionString = parse.GetValue(global.ConnectionString);
        var account = parse.GetValue(global.Account);
        if (connectionString is not null && account is not null)
        {
            throw new UsageException("Give either --connection-string or --account, not both.");
        }

        connectionString ??= account is null ? environment.Variable(StorageVariable) ?? environment.LocalRuntime?.ConnectionString : null;
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            try
            {
                return (new BlobServiceClient(connectionString), new TableServiceClient(connectionString));
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
            {
                throw new UsageException("The storage connection string is not valid.");
            }
        }

        if (account is null)
        {
            throw new UsageException(
                $"No storage given and no local runtime is running. Start it (dotnet run --project functions/Serverless.Local), or give --connection-string, the {StorageVariable} environment variable, or --account.");
        }

        if (!System.Text.RegularExpressions.Regex.IsMatch(account, "^[a-z0-9]{3,24}$"))
        {
            throw new UsageException("A storage account name is 3-24 lower-case letters and digits.");
        }

        var credential = new DefaultAzureCredential();
        return (new BlobServiceClient(new Uri($"https://{account}.blob.core.windows.net"), credential),
            new TableServiceClient(new Uri($"https://{account}.table.core.windows.net"), credential));
    }

    public static PipelineOptions ReadOptions(ParseResult parse, GlobalOptions global, CliEnvironment environment)
    {
        var builder = new ConfigurationBuilder();
        var file = parse.GetValue(global.Settings);
        if (file is null && parse.GetValue(global.ConnectionString) is null && parse.GetValue(global.Account) is null
            && environment.Variable(StorageVariable) is null && environment.LocalRuntime?.SettingsFile is { } runtimeSettings)
        {
            // Talking to the running local runtime's storage: read the settings it read.
            file = new FileInfo(runtimeSettings);
        }

        if (file is not null)
        {
            if (!file.Exists)
            {
                throw new UsageException($"The settings file '{file.FullName}' does not exist.");
            }

            builder.AddJsonFile(file.FullName, optional: false);
        }

        // As the apps read them: Pipeline__Tenants__acme-law__DefaultRegion is Pipeline:Tenants:acme-law:DefaultRegion.
        var sectionPrefix = PipelineOptions.SectionName + "__";
        var variables = environment.Variables
            .Where(v => v.Key.StartsWith(sectionPrefix, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(v => v.Key.Replace("__", ":", StringComparison.Ordinal), v => (string?)v.Value, StringComparer.OrdinalIgnoreCase);
        builder.AddInMemoryCollection(variables);
        var options = new PipelineOptions();
        builder.Build().GetSection(PipelineOptions.SectionName).Bind(options);
        if (parse.GetValue(global.Prefix) is { } prefix)
        {
            options.StoragePrefix = prefix;
        }
        else if (string.IsNullOrEmpty(options.StoragePrefix) && file is not null && environment.LocalRuntime?.StoragePrefix is { Length: > 0 } runtimePrefix)
        {
            options.StoragePrefix = runtimePrefix;
        }

        return options;
    }

    public static async Task<PipelineServices> OpenPipelineAsync(ParseResult parse, GlobalOptions global, CliEnvironment environment, PipelineOptions options,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var (blobs, tables) = OpenStorage(parse, global, environment);
        try
        {
            _ = new StorageNames(options.StoragePrefix);
            return await PipelineServices.CreateAsync(options, blobs, tables, environment.Time, loggers, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or MisconfigurationException or ArgumentException or InvalidDataException or DirectoryNotFoundException)
        {
            throw ex is ArgumentException argument ? UsageException.From(argument) : new UsageException(ex.Message);
        }
    }
}
