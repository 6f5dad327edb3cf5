using System.Net;
using System.Net.Sockets;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Hosting;
using Serverless.Functions.Privacy;
using Serverless.DevKit.Azurite;

namespace Serverless.Functions.Tests.Durable;

/// <summary>
/// The Functions app as its host builds it (the app's own <see cref="PipelineRegistration.AddCustomerDataPipeline"/>
/// over Azurite, with a storage prefix of its own), its orchestrators and activities running on the in-process Durable
/// engine, and that engine's client for the functions that take a <c>[DurableClient]</c>.
/// </summary>
internal sealed class FunctionsAppHost : IAsyncDisposable
{
    public const string PseudonymizationKey = "dGVzdC1vbmx5LXBzZXVkb255bWl6YXRpb24ta2V5LTMyYnl0ZXMhIQ==";

    private readonly ServiceProvider _services;
    private readonly DurableTaskTestHost _durable;

    private FunctionsAppHost(ServiceProvider services, DurableTaskTestHost durable, AppTaskRegistration tasks, string prefix, AzuriteServer azurite)
    {
        _services = services;
        _durable = durable;
        Tasks = tasks;
        Prefix = prefix;
        Azurite = azurite;
    }

    public DurableTaskClient Client => _durable.Client;

    public AppTaskRegistration Tasks { get; }

    public string Prefix { get; }

    public AzuriteServer Azurite { get; }

    public IServiceProvider Services => _services;

    public static string NewPrefix() => "f" + Guid.NewGuid().ToString("N")[..10];

    /// <param name="prefix">The storage prefix of the app's containers and tables; a new one when null.</param>
    /// <param name="settings">App settings over the defaults (configuration keys, <c>:</c> for <c>__</c>).</param>
    /// <param name="storageFault">A policy on the app's storage clients, to make storage fail the way an outage would.</param>
    public static async Task<FunctionsAppHost> StartAsync(AzuriteServer azurite, string? prefix = null, IDictionary<string, string?>? settings = null,
        HttpPipelinePolicy? storageFault = null)
    {
        prefix ??= NewPrefix();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(Settings(azurite, prefix))
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();

        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddCustomerDataPipeline(configuration);
        if (storageFault is not null)
        {
            services.AddSingleton(new StorageClientOptions
            {
                Blobs = WithPolicy(new BlobClientOptions(), storageFault),
                Tables = WithPolicy(new TableClientOptions(), storageFault),
            });
        }

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        AppTaskRegistration? tasks = null;
        var durable = await DurableTaskTestHost.StartAsync(
            registry => tasks = AppTaskRegistration.Register(registry, Function<PrivacyActivityFunctions>(provider)),
            new DurableTaskTestHostOptions { Port = FreePort() });
        return new FunctionsAppHost(provider, durable, tasks!, prefix, azurite);
    }

    /// <summary>
    /// An instance of one of the app's function classes, made as the worker makes one per invocation;
    /// <paramref name="replacing"/> stands in for the app's registered service of the same type.
    /// </summary>
    public T Function<T>(params object[] replacing) => ActivatorUtilities.CreateInstance<T>(_services, replacing);

    public async ValueTask DisposeAsync()
    {
        await _durable.DisposeAsync();
        await _services.DisposeAsync();
    }

    private static Func<T> Function<T>(IServiceProvider services) => () => ActivatorUtilities.CreateInstance<T>(services);

    private static Dictionary<string, string?> Settings(AzuriteServer azurite, string prefix) => new()
    {
        [AppSettings.StorageConnectionString] = azurite.ConnectionString,
        ["Pipeline:StoragePrefix"] = prefix,
        ["Pipeline:PseudonymizationKey"] = PseudonymizationKey,
        ["Pipeline:PseudonymizationKeyId"] = "k1",
        ["Pipeline:Tenants:acme-law:DefaultRegion"] = "US",
        ["Pipeline:Tenants:paris-avocats:DefaultRegion"] = "FR",
        ["Pipeline:Tenants:paris-avocats:RequireFourEyes"] = "true",

        // Suppression reaches every processor within these; the erasure waits them out with a durable timer.
        ["Pipeline:SuppressionCacheLifetime"] = "00:00:00.200",
        ["Pipeline:SuppressionMargin"] = "00:00:00.200",
        [AppSettings.AppServiceAuthenticationEnabled] = "True",

        // The producer is built with the app's services but never sends in these tests.
        [AppSettings.EventHubName] = "events",
        [AppSettings.EventHubNamespace] = "unused.servicebus.windows.net",
    };

    private static T WithPolicy<T>(T options, HttpPipelinePolicy policy)
        where T : ClientOptions
    {
        options.AddPolicy(policy, HttpPipelinePosition.PerCall);
        return options;
    }

    // The test host picks a random port otherwise, which may be one Azurite has taken.
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
