namespace Serverless.Functions.Hosting;

/// <summary>
/// The app settings this app reads, as configuration keys (<c>:</c> where the app setting has <c>__</c>). The names are
/// those that infra/app/api.bicep gives the deployed app; docs/deploy.md lists them.
/// </summary>
public static class AppSettings
{
    /// <summary>Client id of the user-assigned identity the app runs as (Storage, Event Hubs).</summary>
    public const string ManagedIdentityClientId = "AZURE_CLIENT_ID";

    /// <summary>Blob endpoint of the pipeline's storage account, reached with the identity.</summary>
    public const string StorageBlobUri = "Pipeline:StorageBlobUri";

    /// <summary>Table endpoint of the pipeline's storage account, reached with the identity.</summary>
    public const string StorageTableUri = "Pipeline:StorageTableUri";

    /// <summary>
    /// Local runs only: a storage connection string (<c>UseDevelopmentStorage=true</c> for Azurite, which accepts
    /// Microsoft Entra ID only over HTTPS). When set, it wins over the two endpoints.
    /// </summary>
    public const string StorageConnectionString = "Pipeline:StorageConnectionString";

    /// <summary>
    /// The Event Hubs connection: the trigger's <c>Connection</c>, and the producer's. In Azure it is identity-based
    /// (<c>EventHubConnection__fullyQualifiedNamespace</c>); locally it may instead be a connection string.
    /// </summary>
    public const string EventHubConnection = "EventHubConnection";

    /// <summary>Host name of the Event Hubs namespace, for the identity-based connection.</summary>
    public const string EventHubNamespace = "EventHubConnection:fullyQualifiedNamespace";

    /// <summary>The hub that webhooks are written to and that <c>ProcessEvents</c> reads.</summary>
    public const string EventHubName = "EventHubName";

    /// <summary>
    /// Where the worker and the host send traces, metrics and logs (Application Insights). It names the component and
    /// grants nothing: the component accepts only Microsoft Entra ID tokens, which the app gets as its identity.
    /// </summary>
    public const string ApplicationInsightsConnectionString = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>The configured webhook sources, <c>Pipeline:Sources:{name}</c>.</summary>
    public const string Sources = "Pipeline:Sources";

    /// <summary>
    /// Set to <c>True</c> by the platform when App Service authentication (Microsoft Entra ID) is on. Only then is the
    /// <c>X-MS-CLIENT-PRINCIPAL</c> header the platform's word (it drops the header when a client sends it); without
    /// it anyone could forge the header, so the privacy API admits nobody. Never set it by hand in Azure.
    /// </summary>
    public const string AppServiceAuthenticationEnabled = "WEBSITE_AUTH_ENABLED";

    /// <summary>How a key is written as an app setting, for messages that name it.</summary>
    public static string AsAppSetting(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Replace(":", "__", StringComparison.Ordinal);
    }
}
