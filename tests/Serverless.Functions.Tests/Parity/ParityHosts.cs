using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Hosting;
using Serverless.Pipeline.Ingestion;

namespace Serverless.Functions.Tests.Parity;

/// <summary>
/// Both hosts over one real Azurite, configured alike from the local runtime's appsettings.json (its sources, keys and
/// tenants), each in its own storage prefix: the local runtime in-process, and the Functions app's services as its
/// host registers them, with an event stream that takes everything in place of Event Hubs.
/// </summary>
public sealed class ParityHosts : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private LocalHost? _local;
    private HttpClient? _localClient;
    private FunctionsApp? _functions;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _local = new LocalHost(_azurite.Server.ConnectionString);
        _localClient = _local.CreateClient();
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryPaths.Root, "functions", "Serverless.Local", "appsettings.json"))
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [AppSettings.StorageConnectionString] = _azurite.Server.ConnectionString,
                ["Pipeline:StoragePrefix"] = "f" + Guid.NewGuid().ToString("N")[..10],
                [AppSettings.EventHubName] = "events",
                [AppSettings.EventHubNamespace] = "parity.servicebus.windows.net",
                [AppSettings.AppServiceAuthenticationEnabled] = "True",
            })
            .Build();
        _functions = FunctionsApp.Create(configuration, services => services.AddSingleton<IEventStream, AcceptingStream>());
    }

    public async Task<HostAnswer> SendToLocalAsync(HostRequest request)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.PathAndQuery);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.ContentType = request.ContentType is null ? null : MediaTypeHeaderValue.Parse(request.ContentType);
        }

        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _localClient!.SendAsync(message);
        var text = await response.Content.ReadAsStringAsync();
        return new HostAnswer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType,
            response.Headers.RetryAfter?.ToString(), response.Headers.Location?.ToString(), text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public Task<HostAnswer> SendToFunctionsAsync(HostRequest request) => _functions!.SendAsync(request);

    public async Task DisposeAsync()
    {
        _localClient?.Dispose();
        if (_functions is not null)
        {
            await _functions.DisposeAsync();
        }

        if (_local is not null)
        {
            await _local.DisposeAsync();
        }

        await _azurite.DisposeAsync();
    }

    // Any public type of the local runtime names its assembly; Program would be ambiguous beside the Functions app's.
    private sealed class LocalHost(string storage) : WebApplicationFactory<Serverless.Local.Hosting.StorageConnection>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Storage:ConnectionString", storage);
            builder.UseSetting("Pipeline:StoragePrefix", "l" + Guid.NewGuid().ToString("N")[..10]);
            builder.UseSetting("Local:Stream:DataDirectory", Directory.CreateTempSubdirectory("parity-stream").FullName);
        }
    }

    /// <summary>Event Hubs' place: takes every event. What the parity tests compare is the answer, not what follows.</summary>
    private sealed class AcceptingStream : IEventStream
    {
        public ValueTask<EnqueueResult> TryEnqueueAsync(IReadOnlyList<MappedEvent> events, CancellationToken cancellationToken) =>
            ValueTask.FromResult(EnqueueResult.Taken);
    }
}
