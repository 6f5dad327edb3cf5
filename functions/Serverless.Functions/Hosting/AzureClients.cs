using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;

namespace Serverless.Functions.Hosting;

/// <summary>
/// The Azure clients, built from app settings. In Azure every one authenticates as the app's user-assigned identity;
/// no setting holds a key. Locally the same code uses your developer sign-in (DefaultAzureCredential).
/// </summary>
public static class AzureClients
{
    public static TokenCredential Credential(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new DefaultAzureCredentialOptions();
        var clientId = configuration[AppSettings.ManagedIdentityClientId];
        if (!string.IsNullOrWhiteSpace(clientId))
        {
            options.ManagedIdentityClientId = clientId;
        }

        return new DefaultAzureCredential(options);
    }

    public static BlobServiceClient Blobs(IConfiguration configuration, TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration[AppSettings.StorageConnectionString];
        return string.IsNullOrWhiteSpace(connectionString)
            ? new BlobServiceClient(RequiredUri(configuration, AppSettings.StorageBlobUri), credential)
            : new BlobServiceClient(connectionString);
    }

    public static TableServiceClient Tables(IConfiguration configuration, TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration[AppSettings.StorageConnectionString];
        return string.IsNullOrWhiteSpace(connectionString)
            ? new TableServiceClient(RequiredUri(configuration, AppSettings.StorageTableUri), credential)
            : new TableServiceClient(connectionString);
    }

    /// <summary>
    /// The producer that webhook ingestion writes with. Its retries are short: a webhook caller is waiting, and a
    /// throttled stream is better answered with 429 and Retry-After than with a minute of backing off.
    /// </summary>
    public static EventHubProducerClient EventHubProducer(IConfiguration configuration, TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var hubName = Required(configuration, AppSettings.EventHubName);
        var options = new EventHubProducerClientOptions
        {
            RetryOptions = new EventHubsRetryOptions
            {
                Mode = EventHubsRetryMode.Exponential,
                MaximumRetries = 2,
                Delay = TimeSpan.FromMilliseconds(500),
                MaximumDelay = TimeSpan.FromSeconds(5),
                TryTimeout = TimeSpan.FromSeconds(20),
            },
        };

        var connectionString = configuration[AppSettings.EventHubConnection];
        return string.IsNullOrWhiteSpace(connectionString)
            ? new EventHubProducerClient(Required(configuration, AppSettings.EventHubNamespace), hubName, credential, options)
            : new EventHubProducerClient(connectionString, hubName, options);
    }

    private static string Required(IConfiguration configuration, string key)
    {
        var value = configuration[key];
        return string.IsNullOrWhiteSpace(value)
            ? throw new InvalidOperationException($"Set the app setting {AppSettings.AsAppSetting(key)}.")
            : value;
    }

    private static Uri RequiredUri(IConfiguration configuration, string key) =>
        Uri.TryCreate(Required(configuration, key), UriKind.Absolute, out var uri)
            ? uri
            : throw new InvalidOperationException($"The app setting {AppSettings.AsAppSetting(key)} must be an absolute URI.");
}
