using Serverless.DevKit.Discovery;
using Serverless.Local.Streaming;
using Serverless.Local.Workflows;
using Serverless.Pipeline.Composition;
using Serverless.Pipeline.Privacy.Api;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Ingestion;

namespace Serverless.Local.Hosting;

/// <summary>
/// Starts the pipeline on one machine before the server listens: storage (starting Azurite when nothing else is
/// configured), the processing stage, the partitioned stream and ingestion; and on shutdown drains the stream and
/// stops Azurite.
/// </summary>
public sealed partial class LocalRuntime : IHostedService, IAsyncDisposable
{
    private readonly IConfiguration _configuration;
    private readonly IHostEnvironment _environment;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger<LocalRuntime> _logger;
    private StorageConnection? _storage;
    private PartitionedStream? _stream;
    private PipelineServices? _pipeline;
    private WebhookIngestor? _ingestor;
    private LocalPrivacy? _privacy;
    private string? _stateFile;
    private int _disposed;

    public LocalRuntime(IConfiguration configuration, IHostEnvironment environment, TimeProvider time, ILoggerFactory loggers)
    {
        _configuration = configuration;
        _environment = environment;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<LocalRuntime>();
    }

    public PipelineServices Pipeline => _pipeline ?? throw NotStarted();
    public PartitionedStream Stream => _stream ?? throw NotStarted();
    public WebhookIngestor Ingestor => _ingestor ?? throw NotStarted();
    public StorageConnection Storage => _storage ?? throw NotStarted();
    public CheckpointedWorkflowRunner Workflows => (_privacy ?? throw NotStarted()).Runner;
    public PrivacyApi Privacy => (_privacy ?? throw NotStarted()).Api;
    public IReadOnlyDictionary<string, ApiKeyOptions> ApiKeys { get; private set; } = new Dictionary<string, ApiKeyOptions>();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var pipelineOptions = _configuration.GetSection(PipelineOptions.SectionName).Get<PipelineOptions>() ?? new PipelineOptions();
        var streamOptions = _configuration.GetSection(StreamOptions.SectionName).Get<StreamOptions>() ?? new StreamOptions();
        var storageOptions = _configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var configuredSources = SourceConfiguration.Read(_configuration);

        _storage = await StorageConnection.OpenAsync(storageOptions, _logger, cancellationToken).ConfigureAwait(false);
        _pipeline = await PipelineServices.CreateAsync(pipelineOptions, _storage.Blobs, _storage.Tables, _time, _loggers, cancellationToken).ConfigureAwait(false);
        await _pipeline.Storage.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var log = DurableLog.Open(DataDirectory(streamOptions), streamOptions.Partitions, _loggers.CreateLogger<DurableLog>());
        _stream = new PartitionedStream(streamOptions, log, _pipeline.Processor.ProcessAsync, _time, _loggers.CreateLogger<PartitionedStream>());
        _stream.Start();
        _ingestor = new WebhookIngestor(configuredSources, _stream, new DeliveryLog(_pipeline.Storage.Deliveries, _time), _time, _loggers.CreateLogger<WebhookIngestor>());
        _privacy = await LocalPrivacy.StartAsync(_pipeline, _time, _loggers, cancellationToken).ConfigureAwait(false);
        ApiKeys = _configuration.GetSection("Privacy:ApiKeys").Get<Dictionary<string, ApiKeyOptions>>() ?? [];
        LogStarted(_storage.Description, configuredSources.Count, streamOptions.Partitions);
        if (_storage.Azurite is { } azurite)
        {
            var settingsFile = new[] { _environment.ContentRootPath, AppContext.BaseDirectory }
                .Select(folder => Path.Combine(folder, "appsettings.json"))
                .FirstOrDefault(File.Exists);
            await new LocalRuntimeState(azurite.ConnectionString, settingsFile, pipelineOptions.StoragePrefix, Environment.ProcessId)
                .WriteAsync(storageOptions.RuntimeStateFile, cancellationToken).ConfigureAwait(false);
            _stateFile = storageOptions.RuntimeStateFile;
            LogStorageForTools(azurite.ConnectionString);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_privacy is not null)
        {
            await _privacy.DisposeAsync().ConfigureAwait(false);
        }

        if (_stream is not null)
        {
            LogDraining(_stream.Pending);
            await _stream.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_stateFile is not null)
        {
            LocalRuntimeState.RemoveIfOwn(_stateFile);
        }

        if (_storage is not null)
        {
            await _storage.DisposeAsync().ConfigureAwait(false);
        }
    }

    // The container disposes this once as a singleton and once as the hosted service it also is.
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_stream is not null)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }

        if (_storage is not null)
        {
            await _storage.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string DataDirectory(StreamOptions options) =>
        Path.IsPathRooted(options.DataDirectory) ? options.DataDirectory : Path.Combine(DevKit.Azurite.RepositoryRoot.Path, options.DataDirectory);

    private static InvalidOperationException NotStarted() => new("The local runtime has not started yet.");

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Pipeline ready: storage is {Storage}; {Sources} webhook sources; {Partitions} stream partitions")]
    private partial void LogStarted(string storage, int sources, int partitions);

    // The emulator's well-known development account: public, and what a developer pastes into Storage Explorer or the CLI.
    [LoggerMessage(EventId = 1003, Level = LogLevel.Information,
        Message = "Storage for tools (serverless-cli finds it by itself while this runs): {ConnectionString}")]
    private partial void LogStorageForTools(string connectionString);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Stopping: draining {Pending} accepted events")]
    private partial void LogDraining(int pending);
}
