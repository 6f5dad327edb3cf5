using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Pipeline.Composition;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Ingestion;

namespace Serverless.Functions.Hosting;

/// <summary>
/// Builds the pipeline once per instance, on first use: the processing stage (<see cref="PipelineServices"/>) and the
/// ingestion stage (<see cref="WebhookIngestor"/>) over it. A build that fails (a Key Vault reference not resolved yet,
/// storage unreachable) is not cached, so the next invocation tries again instead of failing until a restart.
/// </summary>
/// <remarks>
/// The privacy API and the Durable activities get their services from <see cref="GetServicesAsync"/> too (through
/// <c>Privacy.PrivacyServices</c>), so every function of the app shares one set of storage clients, schemas and keys.
/// </remarks>
public sealed partial class PipelineProvider : IDisposable
{
    private readonly PipelineOptions _options;
    private readonly IConfiguration _configuration;
    private readonly AzureClients _clients;
    private readonly IEventStream _stream;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger<PipelineProvider> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private PipelineServices? _services;
    private WebhookIngestor? _ingestor;

    public PipelineProvider(IOptions<PipelineOptions> options, IConfiguration configuration, AzureClients clients,
        IEventStream stream, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        _options = options.Value;
        _configuration = configuration;
        _clients = clients;
        _stream = stream;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<PipelineProvider>();
    }

    public async ValueTask<PipelineServices> GetServicesAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _services) is { } ready)
        {
            return ready;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_services is { } built)
            {
                return built;
            }

            var services = await PipelineServices.CreateAsync(_options, _clients.Blobs, _clients.Tables, _time, _loggers, cancellationToken).ConfigureAwait(false);

            // Bicep creates the containers and tables in Azure; this creates what is missing (Azurite, a new prefix).
            await services.Storage.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _services, services);
            LogPipelineReady(services.Options.PseudonymizationKeyId, services.Storage.Names.RawContainer);
            return services;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask<WebhookIngestor> GetIngestorAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _ingestor) is { } ready)
        {
            return ready;
        }

        // Checked before anything else, so that a webhook is answered 503 naming the setting, not refused on its signature.
        _clients.ThrowIfEventHubsMissing();

        var services = await GetServicesAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ingestor is { } built)
            {
                return built;
            }

            // Sources are checked here (tenant, secrets), so a bad source fails ingestion with a clear message while
            // processing, which does not need them, goes on.
            var sources = SourceConfiguration.Read(_configuration);
            var ingestor = new WebhookIngestor(sources, _stream, new DeliveryLog(services.Storage.Deliveries, _time), _time,
                _loggers.CreateLogger<WebhookIngestor>());
            Volatile.Write(ref _ingestor, ingestor);
            LogIngestionReady(sources.Count);
            return ingestor;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Pipeline ready: join keys {KeyId}, raw archive in container {RawContainer}")]
    private partial void LogPipelineReady(string keyId, string rawContainer);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Webhook ingestion ready with {Sources} configured sources")]
    private partial void LogIngestionReady(int sources);
}
