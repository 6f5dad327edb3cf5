using Microsoft.Azure.Functions.Worker;
using Serverless.Pipeline.Privacy.Workflows;
using Serverless.Pipeline.Storage;

namespace Serverless.Functions.Privacy;

/// <summary>
/// The steps of the privacy workflows as Durable activities, one per name in <see cref="WorkflowNames"/>, each handing
/// its input to the matching step of <see cref="PrivacyActivities"/>. The steps are idempotent, so Durable's
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
        RunAsync((steps, _) => steps.RegisterAsync(input, cancellationToken), cancellationToken);

    [Function(WorkflowNames.Suppress)]
    public Task<SuppressionResult> SuppressAsync([ActivityTrigger] WorkflowInput input, CancellationToken cancellationToken) =>
        RunAsync((steps, _) => steps.SuppressAsync(input, cancellationToken), cancellationToken);

    [Function(WorkflowNames.SetStatus)]
    public Task<StepResult> SetStatusAsync([ActivityTrigger] StatusChange change, CancellationToken cancellationToken) =>
        RunAsync((steps, _) => steps.SetStatusAsync(change, cancellationToken), cancellationToken);

    [Function(WorkflowNames.DeleteViews)]
    public Task<StepResult> DeleteViewsAsync([ActivityTrigger] WorkflowInput input, CancellationToken cancellationToken) =>
        RunAsync((steps, _) => steps.DeleteViewsAsync(input, cancellationToken), cancellationToken);

    [Function(WorkflowNames.PurgeRaw)]
    public Task<StepResult> PurgeRawAsync([ActivityTrigger] WorkflowInput input, CancellationToken cancellationToken) =>
        RunAsync((steps, names) => steps.PurgeAsync(input, names.RawContainer, cancellationToken), cancellationToken);

    [Function(WorkflowNames.PurgeQuarantine)]
    public Task<StepResult> PurgeQuarantineAsync([ActivityTrigger] WorkflowInput input, CancellationToken cancellationToken) =>
        RunAsync((steps, names) => steps.PurgeAsync(input, names.QuarantineContainer, cancellationToken), cancellationToken);

    [Function(WorkflowNames.ShredKeys)]
    public Task<StepResult> ShredKeysAsync([ActivityTrigger] WorkflowInput input, CancellationToken cancellationToken) =>
        RunAsync((steps, _) => steps.ShredKeysAsync(input, cancellationToken), cancellationToken);

    [Function(WorkflowNames.Verify)]
    public Task<VerificationResult> VerifyAsync([ActivityTrigger] WorkflowInput input, CancellationToken cancellationToken) =>
        RunAsync((steps, _) => steps.VerifyAsync(input, cancellationToken), cancellationToken);

    [Function(WorkflowNames.Complete)]
    public Task<WorkflowOutcome> CompleteAsync([ActivityTrigger] WorkflowInput input, CancellationToken cancellationToken) =>
        RunAsync((steps, _) => steps.CompleteAsync(input, cancellationToken), cancellationToken);

    [Function(WorkflowNames.Close)]
    public Task<WorkflowOutcome> CloseAsync([ActivityTrigger] StatusChange change, CancellationToken cancellationToken) =>
        RunAsync((steps, _) => steps.CloseAsync(change, cancellationToken), cancellationToken);

    [Function(WorkflowNames.GatherExport)]
    public Task<WorkflowOutcome> GatherExportAsync([ActivityTrigger] WorkflowInput input, CancellationToken cancellationToken) =>
        RunAsync((steps, _) => steps.GatherExportAsync(input, cancellationToken), cancellationToken);

    // The steps, and the storage names (with the deployment's prefix) that the purges need.
    private async Task<T> RunAsync<T>(Func<PrivacyActivities, StorageNames, Task<T>> step, CancellationToken cancellationToken)
    {
        var steps = await _privacy.GetActivitiesAsync(cancellationToken).ConfigureAwait(false);
        var names = await _privacy.GetStorageNamesAsync(cancellationToken).ConfigureAwait(false);
        return await step(steps, names).ConfigureAwait(false);
    }
}
