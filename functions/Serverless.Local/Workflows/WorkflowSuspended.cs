namespace Serverless.Local.Workflows;

/// <summary>Thrown through a workflow when it must wait (for an event or a time): the run stops and resumes later.</summary>
internal sealed class WorkflowSuspendedException(DateTimeOffset wakeAt) : Exception("The workflow is waiting.")
{
    public DateTimeOffset WakeAt { get; } = wakeAt;
}
