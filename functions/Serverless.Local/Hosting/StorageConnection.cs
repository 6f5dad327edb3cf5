using System.Net.Sockets;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Serverless.DevKit.Azurite;

namespace Serverless.Local.Hosting;

/// <summary>The storage clients the runtime uses, and the Azurite it started, if it started one.</summary>
public sealed partial class StorageConnection : IAsyncDisposable
{
    private const string DevelopmentStorage = "UseDevelopmentStorage=true";
    private int _disposed;

    private StorageConnection(BlobServiceClient blobs, TableServiceClient tables, string description, AzuriteServer? azurite)
    {
        Blobs = blobs;
        Tables = tables;
        Description = description;
        Azurite = azurite;
    }

    public BlobServiceClient Blobs { get; }
    public TableServiceClient Tables { get; }

    /// <summary>Where the data is, for people: never a key.</summary>
    public string Description { get; }

    public AzuriteServer? Azurite { get; }

    public static async Task<StorageConnection> OpenAsync(StorageOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new StorageConnection(new BlobServiceClient(options.ConnectionString), new TableServiceClient(options.ConnectionString),
                "the storage account of Storage:ConnectionString", null);
        }

        if (options.BlobServiceUri is not null || options.TableServiceUri is not null)
        {
            if (options.BlobServiceUri is null || options.TableServiceUri is null)
            {
                throw new InvalidOperationException("Configure both Storage:BlobServiceUri and Storage:TableServiceUri, or neither.");
            }

            var credential = new DefaultAzureCredential();
            return new StorageConnection(new BlobServiceClient(options.BlobServiceUri, credential), new TableServiceClient(options.TableServiceUri, credential),
                $"{options.BlobServiceUri} and {options.TableServiceUri} (Microsoft Entra ID)", null);
        }

        if (options.UseRunningAzurite)
        {
            if (!await AzuriteDefaultPortsListenAsync().ConfigureAwait(false))
            {
                throw new InvalidOperationException(
                    "Storage:UseRunningAzurite is set, but nothing listens on 127.0.0.1:10000 and 10002. Start Azurite there, or unset it to let the runtime start its own.");
            }

            return new StorageConnection(new BlobServiceClient(DevelopmentStorage), new TableServiceClient(DevelopmentStorage),
                "the Azurite already listening on 127.0.0.1:10000-10002 (Storage:UseRunningAzurite)", null);
        }

        var location = options.AzuriteInMemory ? null : Path.Combine(RepositoryRoot.Path, options.AzuriteLocation);
        if (!File.Exists(AzuriteInstall.Script))
        {
            LogInstallingAzurite(logger, RepositoryRoot.Path);
        }

        LogStartingAzurite(logger, location ?? "memory");
        var azurite = await AzuriteServer.StartAsync(location, (10000, 10001, 10002), cancellationToken).ConfigureAwait(false);
        return new StorageConnection(new BlobServiceClient(azurite.ConnectionString), new TableServiceClient(azurite.ConnectionString),
            $"Azurite on 127.0.0.1 (blob {azurite.BlobPort}, table {azurite.TablePort}), data in {location ?? "memory"}", azurite);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && Azurite is not null)
        {
            await Azurite.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<bool> AzuriteDefaultPortsListenAsync()
    {
        foreach (var port in new[] { 10000, 10002 })
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                return false;
            }
        }

        return true;
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Installing Azurite from npm into {Root}/node_modules (npm ci, first run only)")]
    private static partial void LogInstallingAzurite(ILogger logger, string root);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Starting Azurite (data in {Location})")]
    private static partial void LogStartingAzurite(ILogger logger, string location);
}
