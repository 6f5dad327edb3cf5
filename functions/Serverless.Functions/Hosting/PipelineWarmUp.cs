using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Serverless.Functions.Hosting;

/// <summary>
/// Builds the pipeline as the instance starts rather than in its first invocation, and says at once when it cannot
/// (a missing setting, an unresolved Key Vault reference, a bad source). A failure is logged, not thrown: the host
/// keeps running and the first invocation tries again.
/// </summary>
public sealed partial class PipelineWarmUp : BackgroundService
{
    private readonly PipelineProvider _pipeline;
    private readonly ILogger<PipelineWarmUp> _logger;

    public PipelineWarmUp(PipelineProvider pipeline, ILogger<PipelineWarmUp> logger)
    {
        _pipeline = pipeline;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _pipeline.GetIngestorAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
        catch (Exception ex)
        {
            LogWarmUpFailed(ex);
        }
    }

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "The pipeline could not be built at start-up; invocations will try again")]
    private partial void LogWarmUpFailed(Exception exception);
}
