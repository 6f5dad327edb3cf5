using Microsoft.Extensions.Logging;
using Serverless.Pipeline.Resilience;
using Serverless.Pipeline.Storage;

namespace Serverless.Functions.Triggers;

/// <summary>
/// Runs one batch until it succeeds or the host cancels the invocation, waiting longer after each failure (doubling
/// from <see cref="FirstDelay"/> up to <see cref="MaxDelay"/>). The Event Hubs trigger checkpoints a partition after the
/// invocation returns, whether it succeeded or not, so a batch that failed must never return: it waits here for storage
/// (or a role assignment, or Key Vault) to come back rather than be skipped.
/// </summary>
/// <remarks>
/// Retrying inside the function, not with a retry attribute: the 5.x worker extension refuses function-level retry on
/// the Event Hubs trigger, and a retry policy with a bounded count would checkpoint the batch once it ran out. Every
/// write of the pipeline is idempotent, so a batch run again after a partial failure leaves the state of one clean run.
/// The host's extension (5.4.0 and later) does not checkpoint when the listener, the host or partition ownership
/// cancelled the invocation, and host.json sets no function timeout (-1) so that a long outage is never cut short by a
/// timeout that would end the invocation as an ordinary failure, which is checkpointed.
/// </remarks>
public sealed partial class BatchRetry
{
    public static readonly TimeSpan DefaultFirstDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromMinutes(5);

    private readonly ExponentialBackoff _backoff;
    private readonly TimeProvider _time;
    private readonly ILogger<BatchRetry> _logger;

    public BatchRetry(TimeProvider time, ILogger<BatchRetry> logger)
        : this(time, logger, DefaultFirstDelay, DefaultMaxDelay)
    {
    }

    public BatchRetry(TimeProvider time, ILogger<BatchRetry> logger, TimeSpan firstDelay, TimeSpan maxDelay)
    {
        _backoff = new ExponentialBackoff(firstDelay, maxDelay);
        _time = time;
        _logger = logger;
    }

    public TimeSpan FirstDelay => _backoff.First;

    public TimeSpan MaxDelay => _backoff.Max;

    /// <returns>How many attempts it took.</returns>
    public async Task<int> RunAsync(string partitionId, Func<CancellationToken, Task> attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        for (var attempts = 1; ; attempts++)
        {
            var delay = _backoff.After(attempts);
            try
            {
                await attempt(cancellationToken).ConfigureAwait(false);
                if (attempts > 1)
                {
                    LogRecovered(partitionId, attempts);
                }

                return attempts;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogAttemptFailed(ex, partitionId, attempts, StorageFaults.IsUnavailable(ex) ? "unavailable" : "fault", delay);
            }

            // Cancelled by the host (shutdown, scale-in, timeout): the invocation fails and the batch is delivered again
            // from the last checkpoint, to this or another instance.
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning,
        Message = "Batch of partition {PartitionId} failed on attempt {Attempt} ({Kind}); trying again in {Delay}")]
    private partial void LogAttemptFailed(Exception exception, string partitionId, int attempt, string kind, TimeSpan delay);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Batch of partition {PartitionId} succeeded after {Attempts} attempts")]
    private partial void LogRecovered(string partitionId, int attempts);
}
