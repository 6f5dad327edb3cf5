using Microsoft.DurableTask;
using Serverless.Pipeline.Privacy.Workflows;

namespace Serverless.Functions.Privacy;

/// <summary>
/// The pipeline's <see cref="IWorkflowContext"/> over a Durable Functions orchestration, so that the workflow
/// definitions the local checkpointed runner replays run on Durable's history here. It calls nothing but the
/// orchestration context: no I/O, no wall clock. Its awaits keep their context (no <c>ConfigureAwait(false)</c>):
/// an orchestrator's continuations must run on the orchestration's own thread.
/// </summary>
public sealed class DurableWorkflowContext : IWorkflowContext
{
    /// <summary>
    /// How activities are retried. Every step is idempotent, so a transient failure (storage throttled or briefly
    /// unreachable) is retried instead of failing the request: 10 attempts, 5 s apart at first and doubling up to
    /// 5 minutes, about 20 minutes in all. After that the orchestration fails; the request keeps its last status,
    /// the overdue alert fires in time, and posting the request again (same Idempotency-Key) starts it over.
    /// </summary>
    public static readonly TaskOptions ActivityOptions = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 10,
        firstRetryInterval: TimeSpan.FromSeconds(5),
        backoffCoefficient: 2.0,
        maxRetryInterval: TimeSpan.FromMinutes(5)));

    private readonly TaskOrchestrationContext _context;

    public DurableWorkflowContext(TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
    }

    public string InstanceId => _context.InstanceId;

    // Durable's clock is a UTC DateTime read from the history; its kind is stated so that the offset is zero whatever
    // kind the value carries (a DateTime of unspecified kind would otherwise be taken as local time).
    public DateTimeOffset CurrentUtcDateTime => new(DateTime.SpecifyKind(_context.CurrentUtcDateTime, DateTimeKind.Utc));

    public Task<TResult> CallActivityAsync<TResult>(string activityName, object? input) =>
        _context.CallActivityAsync<TResult>(activityName, input, ActivityOptions);

    /// <remarks>
    /// Durable waits with a durable timer next to the event; when the timer fires first it cancels the wait, whose
    /// task then throws <see cref="TaskCanceledException"/>. That is the timeout, answered as the interface says: null.
    /// </remarks>
    public async Task<TEvent?> WaitForEventAsync<TEvent>(string eventName, TimeSpan timeout)
        where TEvent : class
    {
        try
        {
            return await _context.WaitForExternalEvent<TEvent>(eventName, timeout);
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    /// <remarks>The timer is never cancelled: the workflows only start one when they mean to wait it out.</remarks>
    public Task CreateTimerAsync(DateTimeOffset fireAt) => _context.CreateTimer(fireAt.UtcDateTime, CancellationToken.None);
}
