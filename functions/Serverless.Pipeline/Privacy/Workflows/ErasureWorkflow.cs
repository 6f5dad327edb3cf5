using Serverless.Pipeline.Privacy.Requests;

namespace Serverless.Pipeline.Privacy.Workflows;

/// <summary>
/// The erasure of one person (GDPR Art. 17), defined once for both hosts: register, suppress, wait for a second
/// approver when the tenant requires four eyes (or, otherwise, for suppression to reach every processor; either wait
/// can be cancelled), then delete the hot views, purge the raw archive and quarantine, shred keys, verify that
/// nothing is left, and complete with an audit record and a certificate. Every step is an idempotent activity.
/// </summary>
public static class ErasureWorkflow
{
    public static async Task<WorkflowOutcome> RunAsync(IWorkflowContext context, WorkflowInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var registration = await context.CallActivityAsync<Registration>(WorkflowNames.Register, input);
        var suppression = await context.CallActivityAsync<SuppressionResult>(WorkflowNames.Suppress, input);

        if (registration.RequiresApproval)
        {
            await context.CallActivityAsync<StepResult>(WorkflowNames.SetStatus, Status(input, RequestStatus.AwaitingApproval, null, null));
            var decision = await context.WaitForEventAsync<Decision>(WorkflowNames.DecisionEvent, registration.ApprovalTimeout);
            if (decision is null)
            {
                return await CloseAsync(context, input, RequestStatus.Expired, "No second compliance officer approved the request in time.", null);
            }

            if (!decision.Approve)
            {
                return await CloseAsync(context, input, RequestStatus.Cancelled, "Cancelled before anything was erased.", decision.By);
            }

            await context.CallActivityAsync<StepResult>(WorkflowNames.SetStatus, Status(input, RequestStatus.Suppressed, "Approved.", decision.By));
        }
        else if (suppression.EffectiveAt > context.CurrentUtcDateTime)
        {
            // Suppression takes this long to reach every processor; it is also the window in which to cancel.
            var decision = await context.WaitForEventAsync<Decision>(WorkflowNames.DecisionEvent, suppression.EffectiveAt - context.CurrentUtcDateTime);
            if (decision is { Approve: false })
            {
                return await CloseAsync(context, input, RequestStatus.Cancelled, "Cancelled before anything was erased.", decision.By);
            }
        }

        if (suppression.EffectiveAt > context.CurrentUtcDateTime)
        {
            await context.CreateTimerAsync(suppression.EffectiveAt);
        }

        await context.CallActivityAsync<StepResult>(WorkflowNames.SetStatus, Status(input, RequestStatus.Erasing, null, null));
        var verification = await EraseAndVerifyAsync(context, input);
        if (!verification.Clean)
        {
            // A second pass catches what a batch in flight wrote during the first; a third would hide a real fault.
            verification = await EraseAndVerifyAsync(context, input);
            if (!verification.Clean)
            {
                return await CloseAsync(context, input, RequestStatus.Failed, string.Join(" ", verification.Findings), null);
            }
        }

        return await context.CallActivityAsync<WorkflowOutcome>(WorkflowNames.Complete, input);
    }

    private static async Task<VerificationResult> EraseAndVerifyAsync(IWorkflowContext context, WorkflowInput input)
    {
        await context.CallActivityAsync<StepResult>(WorkflowNames.DeleteViews, input);
        await context.CallActivityAsync<StepResult>(WorkflowNames.PurgeRaw, input);
        await context.CallActivityAsync<StepResult>(WorkflowNames.PurgeQuarantine, input);
        await context.CallActivityAsync<StepResult>(WorkflowNames.ShredKeys, input);
        return await context.CallActivityAsync<VerificationResult>(WorkflowNames.Verify, input);
    }

    private static Task<WorkflowOutcome> CloseAsync(IWorkflowContext context, WorkflowInput input, string status, string detail, string? by) =>
        context.CallActivityAsync<WorkflowOutcome>(WorkflowNames.Close, Status(input, status, detail, by));

    private static StatusChange Status(WorkflowInput input, string status, string? detail, string? by) =>
        new(input.Kind, input.RequestId, status, detail, by);
}
