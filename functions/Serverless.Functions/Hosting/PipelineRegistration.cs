using Azure.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Functions.Http;
using Serverless.Functions.Privacy;
using Serverless.Functions.Streaming;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Http;
using Serverless.Pipeline.Ingestion;

namespace Serverless.Functions.Hosting;

/// <summary>
/// What the functions need, registered once: credential, storage and Event Hubs clients, the pipeline, its privacy
/// services and the HTTP surface. Nothing here reads a required setting eagerly: a missing one is reported by health
/// and by the functions that need it (<see cref="AzureClients"/>), never by a worker that fails to start.
/// </summary>
public static class PipelineRegistration
{
    public static IServiceCollection AddCustomerDataPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ => AzureClients.Credential(configuration));
        services.AddSingleton(provider => new AzureClients(configuration, provider.GetRequiredService<TokenCredential>(), provider.GetService<StorageClientOptions>()));
        services.AddSingleton<IEventStream>(provider =>
        {
            var clients = provider.GetRequiredService<AzureClients>();
            return new EventHubsEventStream(() => clients.EventHubProducer, provider.GetRequiredService<ILogger<EventHubsEventStream>>());
        });

        // Pipeline:PseudonymizationKey is a Key Vault reference in Azure; the platform resolves it before the app reads it.
        services.AddOptions<PipelineOptions>().Bind(configuration.GetSection(PipelineOptions.SectionName));
        services.AddSingleton<PipelineProvider>();
        services.AddSingleton<Triggers.BatchRetry>();

        // The privacy activities and API over the same pipeline; the Durable extension registers itself.
        services.AddSingleton<PrivacyServices>();

        // The HTTP surface: callers are who App Service authentication says, and only while it is on.
        services.AddSingleton<ICallerAuthenticator>(provider => new AppServiceAuthenticator(
            string.Equals(configuration[AppSettings.AppServiceAuthenticationEnabled], "true", StringComparison.OrdinalIgnoreCase),
            provider.GetRequiredService<ILogger<AppServiceAuthenticator>>()));
        services.AddSingleton(_ => FunctionsFaults.Classifier());
        services.AddSingleton<PipelineHttpSurface>();
        services.AddSingleton<FunctionsHttp>();

        services.AddHostedService<PipelineWarmUp>();
        services.AddPipelineTelemetry(configuration);
        return services;
    }
}
