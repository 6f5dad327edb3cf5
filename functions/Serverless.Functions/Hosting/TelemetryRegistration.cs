using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using Serverless.Pipeline.Telemetry;

namespace Serverless.Functions.Hosting;

/// <summary>
/// OpenTelemetry for the worker: the pipeline's activity source and meter, with the Functions worker's resource, exported
/// to Application Insights. The component has local (key) authentication disabled, so the exporter signs in with the
/// app's identity, the same <see cref="TokenCredential"/> the storage and Event Hubs clients use, which holds
/// Monitoring Metrics Publisher on the component (infra/app/rbac.bicep). The host's own telemetry goes the same way:
/// host.json sets <c>telemetryMode</c> to OpenTelemetry and the host signs in with APPLICATIONINSIGHTS_AUTHENTICATION_STRING.
/// </summary>
public static class TelemetryRegistration
{
    /// <summary>The worker's own activity source: its function invocations, under which the pipeline's spans nest.</summary>
    public const string WorkerActivitySource = "Microsoft.Azure.Functions.Worker";

    public static IServiceCollection AddPipelineTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        // Without a connection string (a local `func start` with no Application Insights) there is nowhere to export
        // to: register nothing, so that nothing listens and the worker's logs still go through the host.
        var connectionString = configuration[AppSettings.ApplicationInsightsConnectionString];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return services;
        }

        services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing => tracing.AddSource(WorkerActivitySource, PipelineTelemetry.Name))
            .WithMetrics(metrics => metrics.AddMeter(PipelineTelemetry.Name))
            .UseAzureMonitorExporter(options => options.ConnectionString = connectionString);
        services.AddOptions<AzureMonitorExporterOptions>()
            .Configure<TokenCredential>((options, credential) => options.Credential = credential);
        return services;
    }
}
