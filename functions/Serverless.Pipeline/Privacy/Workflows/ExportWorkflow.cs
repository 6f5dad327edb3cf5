using Serverless.Pipeline.Privacy.Requests;

namespace Serverless.Pipeline.Privacy.Workflows;

/// <summary>A subject access export (GDPR Art. 15 and 20): gather the profile, activity and raw events into one document.</summary>
public static class ExportWorkflow
{
    public static async Task<WorkflowOutcome> RunAsync(IWorkflowContext context, WorkflowInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        await context.CallActivityAsync<StepResult>(WorkflowNames.SetStatus, new StatusChange(input.Kind, input.RequestId, RequestStatus.Gathering, null, null));
        return await context.CallActivityAsync<WorkflowOutcome>(WorkflowNames.GatherExport, input);
    }
}
