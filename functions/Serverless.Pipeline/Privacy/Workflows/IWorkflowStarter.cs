namespace Serverless.Pipeline.Privacy.Workflows;

/// <summary>Starts workflow instances and delivers events to them: Durable Functions' client in Azure, the checkpointed runner locally.</summary>
public interface IWorkflowStarter
{
    /// <summary>Starts an instance; starting one that exists already does nothing.</summary>
    Task StartAsync(string workflowName, string instanceId, WorkflowInput input, CancellationToken cancellationToken);

    Task RaiseEventAsync(string instanceId, string eventName, object payload, CancellationToken cancellationToken);
}
