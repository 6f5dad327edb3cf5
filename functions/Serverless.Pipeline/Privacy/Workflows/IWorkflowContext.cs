namespace Serverless.Pipeline.Privacy.Workflows;

/// <summary>
/// What a workflow may do, and all it may do: call activities, wait for an external event or a time, and read a
/// deterministic clock. Durable Functions' orchestration context and the local checkpointed runner both implement it,
/// so one definition runs in both hosts. Workflow code must be deterministic: no I/O, no DateTime.UtcNow, no
/// Guid.NewGuid; everything that touches the world is an activity.
/// </summary>
public interface IWorkflowContext
{
    string InstanceId { get; }

    /// <summary>The time as of the current point in the workflow's history; the same on every replay.</summary>
    DateTimeOffset CurrentUtcDateTime { get; }

    Task<TResult> CallActivityAsync<TResult>(string activityName, object? input);

    /// <summary>Waits for a named event; returns null when <paramref name="timeout"/> passes first.</summary>
    Task<TEvent?> WaitForEventAsync<TEvent>(string eventName, TimeSpan timeout) where TEvent : class;

    Task CreateTimerAsync(DateTimeOffset fireAt);
}
