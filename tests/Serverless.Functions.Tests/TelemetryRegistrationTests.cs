using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Tests;

public sealed class TelemetryRegistrationTests
{
    // The shape of a real connection string; the endpoint is a closed local port, so nothing is ever sent.
    private const string ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/";

    private static ServiceProvider Build(string? connectionString, TokenCredential credential)
    {
        var settings = new Dictionary<string, string?>();
        if (connectionString is not null)
        {
            settings[AppSettings.ApplicationInsightsConnectionString] = connectionString;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton(credential);
        services.AddPipelineTelemetry(configuration);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddPipelineTelemetry_ConnectionString_ExportsWithTheAppsCredential()
    {
        var credential = new Mock<TokenCredential>().Object;

        using var provider = Build(ConnectionString, credential);

        var options = provider.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(Options.DefaultName);
        Assert.Same(credential, options.Credential);
        Assert.Equal(ConnectionString, options.ConnectionString);
        Assert.NotNull(provider.GetService<TracerProvider>());
        Assert.NotNull(provider.GetService<MeterProvider>());
    }

    [Fact]
    public void AddPipelineTelemetry_NoConnectionString_RegistersNoProvider()
    {
        using var provider = Build(null, new Mock<TokenCredential>().Object);

        Assert.Null(provider.GetService<TracerProvider>());
        Assert.Null(provider.GetService<MeterProvider>());
    }
}
