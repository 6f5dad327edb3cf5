using System.Collections.Concurrent;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Serverless.Pipeline.Privacy.Workflows;
using Serverless.Pipeline.Resilience;
using Serverless.Pipeline.Storage;

namespace Serverless.Local.Workflows;

/// <summary>
/// Durable Functions' stand-in on one machine. Each instance keeps a checkpointed history in Table storage (partition:
/// instance id; rows: meta, step|n, event|name). Runs replay that history (see <see cref="ReplayContext"/>), so a
/// runner started after a crash resumes every unfinished instance where it stopped. Waiting instances sleep until
/// their time or until an event is raised; a failing activity is retried with backoff. A finished instance's history
/// is deleted, since activity results may name the person.
/// </summary>
public sealed partial class CheckpointedWorkflowRunner : IWorkflowStarter, IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly ExponentialBackoff StepBackoff = new(TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(1));
    private readonly TableClient _history;
    private readonly Func<string, JsonElement, CancellationToken, Task<object>> _runActivity;
    private readonly TimeProvider _time;
    private readonly ILogger<CheckpointedWorkflowRunner> _logger;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _wakeAt = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _running = [];
    private Task? _clock;
    private int _disposed;

    public CheckpointedWorkflowRunner(TableClient history, Func<string, JsonElement, CancellationToken, Task<object>> runActivity, TimeProvider time,
        ILogger<CheckpointedWorkflowRunner> logger)
    {
        _history = history;
        _runActivity = runActivity;
        _time = time;
        _logger = logger;
    }

    /// <summary>Starts the wake-up clock and resumes every instance that had not finished.</summary>
    /// <summary>How many instances the runner holds anything for in memory; ended ones are let go.</summary>
    internal int InstancesInMemory => _locks.Keys.Union(_wakeAt.Keys).Union(_failures.Keys).Count();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await foreach (var meta in _history.QueryAsync<TableEntity>(filter: "RowKey eq 'meta' and Status eq 'Running'", cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            _wakeAt[meta.PartitionKey] = DateTimeOffset.MinValue;
        }

        _clock = Task.Run(WakeLoopAsync);
    }

    public async Task StartAsync(string workflowName, string instanceId, WorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            await _history.AddEntityAsync(new TableEntity(instanceId, "meta")
            {
                ["Workflow"] = workflowName,
                ["Input"] = JsonSerializer.Serialize(input, Json),
                ["Status"] = "Running",
                ["StartedAt"] = _time.GetUtcNow(),
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Started before (the same request posted again): one instance only.
        }

        Wake(instanceId);
    }

    public async Task RaiseEventAsync(string instanceId, string eventName, object payload, CancellationToken cancellationToken)
    {
        try
        {
            await _history.AddEntityAsync(new TableEntity(instanceId, ReplayContext.EventKey(eventName))
            {
                ["Payload"] = JsonSerializer.Serialize(payload, payload.GetType(), Json),
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // The first decision stands.
        }

        Wake(instanceId);
    }

    /// <summary>The instance's status as its history records it (<c>Running</c> until it ends); null for an unknown instance.</summary>
    public async Task<string?> StatusAsync(string instanceId, CancellationToken cancellationToken)
    {
        var meta = await _history.GetEntityIfExistsAsync<TableEntity>(instanceId, "meta", cancellationToken: cancellationToken).ConfigureAwait(false);
        return meta.HasValue ? meta.Value!.GetString("Status") : null;
    }

    // The token source is cancelled, not disposed: a run launched just before stopping may still read its token.
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        Task[] running;
        lock (_running)
        {
            running = [.. _running];
        }

        try
        {
            await Task.WhenAll(running.Append(_clock ?? Task.CompletedTask)).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: unfinished instances resume when a runner starts again.
        }
    }

    private void Wake(string instanceId)
    {
        _wakeAt[instanceId] = DateTimeOffset.MinValue;
    }

    private async Task WakeLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            foreach (var (instanceId, wakeAt) in _wakeAt)
            {
                if (wakeAt <= now && _wakeAt.TryRemove(new KeyValuePair<string, DateTimeOffset>(instanceId, wakeAt)))
                {
                    var run = Task.Run(() => RunAsync(instanceId));
                    lock (_running)
                    {
                        _running.RemoveAll(t => t.IsCompleted);
                        _running.Add(run);
                    }
                }
            }

            try
            {
                await Task.Delay(25, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RunAsync(string instanceId)
    {
        var gate = _locks.GetOrAdd(instanceId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(_stopping.Token).ConfigureAwait(false);
        var ended = false;
        try
        {
            ended = await RunOnceAsync(instanceId, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopping mid-run: the history says where to resume.
        }
        finally
        {
            gate.Release();
        }

        // An ended instance needs no gate any more (a later run finds it not running and returns), so the runner's
        // memory stays bounded however many requests it has run.
        if (ended)
        {
            _locks.TryRemove(new KeyValuePair<string, SemaphoreSlim>(instanceId, gate));
        }
    }

    /// <returns>Whether the instance has ended (or was not running).</returns>
    private async Task<bool> RunOnceAsync(string instanceId, CancellationToken cancellationToken)
    {
        var meta = await _history.GetEntityIfExistsAsync<TableEntity>(instanceId, "meta", cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!meta.HasValue || meta.Value!.GetString("Status") != "Running")
        {
            return true;
        }

        var steps = new List<TableEntity>();
        await foreach (var step in _history.QueryAsync<TableEntity>(e => e.PartitionKey == instanceId && e.RowKey.CompareTo("step|") >= 0 && e.RowKey.CompareTo("step}") < 0,
            cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            steps.Add(step);
        }

        var context = new ReplayContext(instanceId, meta.Value.GetDateTimeOffset("StartedAt")!.Value, _history, steps, _runActivity, _time, cancellationToken);
        var input = JsonSerializer.Deserialize<WorkflowInput>(meta.Value.GetString("Input"), Json)!;
        try
        {
            var outcome = meta.Value.GetString("Workflow") switch
            {
                WorkflowNames.ErasureWorkflow => await ErasureWorkflow.RunAsync(context, input).ConfigureAwait(false),
                WorkflowNames.ExportWorkflow => await ExportWorkflow.RunAsync(context, input).ConfigureAwait(false),
                var other => throw new InvalidOperationException($"Unknown workflow '{other}'."),
            };
            await FinishAsync(instanceId, outcome.Status, cancellationToken).ConfigureAwait(false);
            _failures.TryRemove(instanceId, out _);
            LogFinished(instanceId, outcome.Status);
            return true;
        }
        catch (WorkflowSuspendedException suspended)
        {
            _failures.TryRemove(instanceId, out _);
            _wakeAt.AddOrUpdate(instanceId, suspended.WakeAt, (_, existing) => existing < suspended.WakeAt ? existing : suspended.WakeAt);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var failures = _failures.AddOrUpdate(instanceId, 1, (_, n) => n + 1);
            var delay = StepBackoff.After(failures);
            LogStepFailed(ex, instanceId, delay.TotalMilliseconds);
            _wakeAt[instanceId] = _time.GetUtcNow() + delay;
        }

        return false;
    }

    private async Task FinishAsync(string instanceId, string status, CancellationToken cancellationToken)
    {
        var doomed = new List<TableTransactionAction>();
        await foreach (var row in _history.QueryAsync<TableEntity>(e => e.PartitionKey == instanceId, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.RowKey != "meta")
            {
                doomed.Add(new TableTransactionAction(TableTransactionActionType.Delete, row, ETag.All));
            }
        }

        foreach (var chunk in doomed.Chunk(TableTransactions.MaxActions))
        {
            await _history.SubmitTransactionAsync(chunk, cancellationToken).ConfigureAwait(false);
        }

        await _history.UpsertEntityAsync(new TableEntity(instanceId, "meta") { ["Status"] = status, ["FinishedAt"] = _time.GetUtcNow() },
            TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Workflow {InstanceId} finished: {Status}")]
    private partial void LogFinished(string instanceId, string status);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Workflow {InstanceId} failed a step; retrying in {DelayMs} ms")]
    private partial void LogStepFailed(Exception exception, string instanceId, double delayMs);
}
