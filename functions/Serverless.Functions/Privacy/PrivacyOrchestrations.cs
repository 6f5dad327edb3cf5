using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Serverless.Pipeline.Privacy.Workflows;

namespace Serverless.Functions.Privacy;

/// <summary>
/// The two privacy workflows as Durable orchestrators. Each only adapts: the definition, shared with the local runtime,
/// is <see cref="ErasureWorkflow"/> or <see cref="ExportWorkflow"/>. Their input is the <see cref="WorkflowInput"/>
/// (kind and request id, nothing that names the person); the instance id is the request id.
/// </summary>
public static class PrivacyOrchestrations
{
    [Function(WorkflowNames.ErasureWorkflow)]
    public static Task<WorkflowOutcome> RunErasureAsync([OrchestrationTrigger] TaskOrchestrationContext context) =>
        ErasureWorkflow.RunAsync(new DurableWorkflowContext(context), InputOf(context));

    [Function(WorkflowNames.ExportWorkflow)]
    public static Task<WorkflowOutcome> RunExportAsync([OrchestrationTrigger] TaskOrchestrationContext context) =>
        ExportWorkflow.RunAsync(new DurableWorkflowContext(context), InputOf(context));

    private static WorkflowInput InputOf(TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetInput<WorkflowInput>()
            ?? throw new InvalidOperationException($"Orchestration {context.InstanceId} was started without its input.");
    }
}
