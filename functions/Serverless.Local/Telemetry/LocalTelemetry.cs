using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serverless.Pipeline.Telemetry;

namespace Serverless.Local.Telemetry;

/// <summary>
/// OpenTelemetry for the local runtime: the pipeline's activity source and meter and ASP.NET Core's requests, to the
/// exporters that <see cref="TelemetryOptions"/> turns on.
/// </summary>
public static class LocalTelemetry
{
    public static WebApplicationBuilder AddPipelineTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (!options.AnyExporter)
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(PipelineTelemetry.Name).AddAspNetCoreInstrumentation();
                if (options.Console)
                {
                    tracing.AddConsoleExporter();
                }

                if (options.OtlpEndpoint is { } endpoint)
                {
                    tracing.AddOtlpExporter(otlp => otlp.Endpoint = endpoint);
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(PipelineTelemetry.Name).AddAspNetCoreInstrumentation();
                if (options.Console)
                {
                    metrics.AddConsoleExporter();
                }

                if (options.OtlpEndpoint is { } endpoint)
                {
                    metrics.AddOtlpExporter(otlp => otlp.Endpoint = endpoint);
                }
            });
        return builder;
    }
}
