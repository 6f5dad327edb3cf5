using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Serverless.Pipeline.Configuration;

namespace Serverless.Functions.Hosting;

/// <summary>
/// The Azure clients, built from app settings on first use. In Azure every one authenticates as the app's user-assigned
/// identity; no setting holds a key. Locally the same code uses your developer sign-in (DefaultAzureCredential).
/// </summary>
/// <remarks>
/// Nothing here throws while the host starts: the settings are checked up front and what is missing is recorded, and
/// a client whose settings are missing or unusable throws <see cref="MisconfigurationException"/> naming them when it is
/// first asked for. Health and every function that needs the client answer 503 naming the setting; the others still run.
/// </remarks>
public sealed class AzureClients : IAsyncDisposable
{
    private readonly IConfiguration _configuration;
    private readonly TokenCredential _credential;
    private readonly Lazy<BlobServiceClient> _blobs;
    private readonly Lazy<TableServiceClient> _tables;
    private readonly Lazy<EventHubProducerClient> _producer;

    public AzureClients(IConfiguration configuration, TokenCredential credential, StorageClientOptions? storageOptions = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _configuration = configuration;
        _credential = credential;
        var storage = storageOptions ?? new StorageClientOptions();
        MissingStorageSettings = StorageProblems(configuration);
        MissingEventHubsSettings = EventHubsProblems(configuration);
        _blobs = new(() => Storage(AppSettings.StorageBlobUri, uri => new BlobServiceClient(uri, _credential, storage.Blobs), cs => new BlobServiceClient(cs, storage.Blobs)));
        _tables = new(() => Storage(AppSettings.StorageTableUri, uri => new TableServiceClient(uri, _credential, storage.Tables), cs => new TableServiceClient(cs, storage.Tables)));
        _producer = new(CreateProducer);
    }

    /// <summary>Storage settings that are missing or not usable, as app settings; empty when storage is configured.</summary>
    public IReadOnlyList<string> MissingStorageSettings { get; }

    /// <summary>Event Hubs settings that are missing, as app settings; empty when the stream is configured.</summary>
    public IReadOnlyList<string> MissingEventHubsSettings { get; }

    public BlobServiceClient Blobs => _blobs.Value;
    public TableServiceClient Tables => _tables.Value;

    /// <summary>
    /// The producer that webhook ingestion writes with. Its retries are short: a webhook caller is waiting, and a
    /// throttled stream is better answered with 429 and Retry-After than with a minute of backing off.
    /// </summary>
    public EventHubProducerClient EventHubProducer => _producer.Value;

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

    public void ThrowIfStorageMissing() => ThrowIfMissing(MissingStorageSettings, "storage");

    public void ThrowIfEventHubsMissing() => ThrowIfMissing(MissingEventHubsSettings, "the event stream (Event Hubs)");

    /// <summary>For health: every setting the app lacks, storage and Event Hubs alike.</summary>
    public void ThrowIfAnyMissing() => ThrowIfMissing([.. MissingStorageSettings, .. MissingEventHubsSettings], "storage and the event stream");

    public async ValueTask DisposeAsync()
    {
        if (_producer.IsValueCreated)
        {
            await _producer.Value.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void ThrowIfMissing(IReadOnlyList<string> settings, string what)
    {
        if (settings.Count > 0)
        {
            throw new MisconfigurationException(settings, $"Set the app setting(s) {string.Join(", ", settings)} for {what}: missing, or not an absolute URI.");
        }
    }

    private T Storage<T>(string uriKey, Func<Uri, T> withIdentity, Func<string, T> withConnectionString)
    {
        ThrowIfStorageMissing();
        var connectionString = _configuration[AppSettings.StorageConnectionString];
        return string.IsNullOrWhiteSpace(connectionString)
            ? withIdentity(new Uri(_configuration[uriKey]!, UriKind.Absolute))
            : Usable(AppSettings.StorageConnectionString, () => withConnectionString(connectionString));
    }

    private EventHubProducerClient CreateProducer()
    {
        ThrowIfEventHubsMissing();
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

        var hubName = _configuration[AppSettings.EventHubName]!;
        var connectionString = _configuration[AppSettings.EventHubConnection];
        return string.IsNullOrWhiteSpace(connectionString)
            ? Usable(AppSettings.EventHubNamespace, () => new EventHubProducerClient(_configuration[AppSettings.EventHubNamespace]!, hubName, _credential, options))
            : Usable(AppSettings.EventHubConnection, () => new EventHubProducerClient(connectionString, hubName, options));
    }

    // A value that is there but malformed (a connection string the SDK cannot read) is a setting to fix, too.
    private static T Usable<T>(string key, Func<T> create)
    {
        try
        {
            return create();
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            throw new MisconfigurationException([AppSettings.AsAppSetting(key)], $"The app setting {AppSettings.AsAppSetting(key)} is not usable: {ex.Message}");
        }
    }

    private static List<string> StorageProblems(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[AppSettings.StorageConnectionString])
            ? []
            : new[] { AppSettings.StorageBlobUri, AppSettings.StorageTableUri }
                .Where(key => !Uri.TryCreate(configuration[key], UriKind.Absolute, out _))
                .Select(AppSettings.AsAppSetting)
                .ToList();

    private static List<string> EventHubsProblems(IConfiguration configuration)
    {
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(configuration[AppSettings.EventHubName]))
        {
            missing.Add(AppSettings.EventHubName);
        }

        if (string.IsNullOrWhiteSpace(configuration[AppSettings.EventHubConnection]) && string.IsNullOrWhiteSpace(configuration[AppSettings.EventHubNamespace]))
        {
            missing.Add(AppSettings.AsAppSetting(AppSettings.EventHubNamespace));
        }

        return missing;
    }
}

/// <summary>Options of the storage clients (retries, extra pipeline policies); registered in DI to change them.</summary>
public sealed class StorageClientOptions
{
    public BlobClientOptions Blobs { get; init; } = new();

    public TableClientOptions Tables { get; init; } = new();
}
