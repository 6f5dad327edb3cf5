using Azure.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Functions.Privacy;
using Serverless.Functions.Streaming;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Ingestion;

namespace Serverless.Functions.Hosting;

/// <summary>What the functions need, registered once: credential, storage and Event Hubs clients, the pipeline and its privacy services.</summary>
public static class PipelineRegistration
{
    public static IServiceCollection AddCustomerDataPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ => AzureClients.Credential(configuration));
        services.AddSingleton(provider => AzureClients.Blobs(configuration, provider.GetRequiredService<TokenCredential>()));
        services.AddSingleton(provider => AzureClients.Tables(configuration, provider.GetRequiredService<TokenCredential>()));
        services.AddSingleton<IEventStream>(provider => new EventHubsEventStream(
            AzureClients.EventHubProducer(configuration, provider.GetRequiredService<TokenCredential>()),
            provider.GetRequiredService<ILogger<EventHubsEventStream>>()));

        // Pipeline:PseudonymizationKey is a Key Vault reference in Azure; the platform resolves it before the app reads it.
        services.AddOptions<PipelineOptions>().Bind(configuration.GetSection(PipelineOptions.SectionName));
        services.AddSingleton<PipelineProvider>();
        services.AddSingleton<Triggers.BatchRetry>();

        // The privacy activities and API over the same pipeline; the Durable extension registers itself.
        services.AddSingleton<PrivacyServices>();
        services.AddHostedService<PipelineWarmUp>();
        services.AddPipelineTelemetry(configuration);
        return services;
    }
}
