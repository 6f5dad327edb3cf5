using Microsoft.Azure.Functions.Worker;
using Serverless.Pipeline.Privacy.Workflows;

namespace Serverless.Functions.Privacy;

/// <summary>
/// The steps of the privacy workflows as Durable activities, one per entry of <see cref="WorkflowActivities"/> (a test
/// holds them to it), each handing its input to the entry's step. The steps are idempotent, so Durable's
/// at-least-once execution and the orchestrations' retries leave the state of one run.
/// </summary>
public sealed class PrivacyActivityFunctions
{
    private readonly PrivacyServices _privacy;

    public PrivacyActivityFunctions(PrivacyServices privacy)
    {
        _privacy = privacy;
    }

    [Function(WorkflowNames.Register)]
    public Task<Registration> RegisterAsync([ActivityTrigger] WorkflowInput input, CancellationToken cancellationToken) =>
        RunAsync(WorkflowActivities.Register, input, cancellationToken);

    [Function(WorkflowNames.Suppress)]
    public Task<SuppressionResult> SuppressAsync([ActivityTrigger] WorkflowInput input, CancellationToken cancellationToken) =>
        RunAsync(WorkflowActivities.Suppress, input, cancellationToken);

    [Function(WorkflowNames.SetStatus)]
    public Task<StepResult> SetStatusAsync([ActivityTrigger] StatusChange change, CancellationToken cancellationToken) =>
        RunAsync(WorkflowActivities.SetStatus, change, cancellationToken);

    [Function(WorkflowNames.DeleteViews)]
    public Task<StepResult> DeleteViewsAsync([ActivityTrigger] WorkflowInput input, CancellationToken cancellationToken) =>
        RunAsync(WorkflowActivities.DeleteViews, input, cancellationToken);

    [Function(WorkflowNames.PurgeRaw)]
    public Task<StepResult> PurgeRawAsync([ActivityTrigger] WorkflowInput input, CancellationToken cancellationToken) =>
        RunAsync(WorkflowActivities.PurgeRaw, input, cancellationToken);

    [Function(WorkflowNames.PurgeQuarantine)]
    public Task<StepResult> PurgeQuarantineAsync([ActivityTrigger] WorkflowInput input, CancellationToken cancellationToken) =>
        RunAsync(WorkflowActivities.PurgeQuarantine, input, cancellationToken);

    [Function(WorkflowNames.ShredKeys)]
    public Task<StepResult> ShredKeysAsync([ActivityTrigger] WorkflowInput input, CancellationToken cancellationToken) =>
        RunAsync(WorkflowActivities.ShredKeys, input, cancellationToken);

    [Function(WorkflowNames.Verify)]
    public Task<VerificationResult> VerifyAsync([ActivityTrigger] WorkflowInput input, CancellationToken cancellationToken) =>
        RunAsync(WorkflowActivities.Verify, input, cancellationToken);

    [Function(WorkflowNames.Complete)]
    public Task<WorkflowOutcome> CompleteAsync([ActivityTrigger] WorkflowInput input, CancellationToken cancellationToken) =>
        RunAsync(WorkflowActivities.Complete, input, cancellationToken);

    [Function(WorkflowNames.Close)]
    public Task<WorkflowOutcome> CloseAsync([ActivityTrigger] StatusChange change, CancellationToken cancellationToken) =>
        RunAsync(WorkflowActivities.Close, change, cancellationToken);

    [Function(WorkflowNames.GatherExport)]
    public Task<WorkflowOutcome> GatherExportAsync([ActivityTrigger] WorkflowInput input, CancellationToken cancellationToken) =>
        RunAsync(WorkflowActivities.GatherExport, input, cancellationToken);

    private async Task<TOutput> RunAsync<TInput, TOutput>(WorkflowActivity<TInput, TOutput> activity, TInput input, CancellationToken cancellationToken)
        where TOutput : notnull
    {
        var steps = await _privacy.GetActivitiesAsync(cancellationToken).ConfigureAwait(false);
        return await activity.RunAsync(steps, input, cancellationToken).ConfigureAwait(false);
    }
}
