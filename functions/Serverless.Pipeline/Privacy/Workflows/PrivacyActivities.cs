using System.Text.Json;
using Serverless.Pipeline.Privacy.Audit;
using Serverless.Pipeline.Privacy.Requests;

namespace Serverless.Pipeline.Privacy.Workflows;

/// <summary>
/// The activities of the privacy workflows, by the names in <see cref="WorkflowNames"/>: the erasure's steps
/// (<see cref="ErasureSteps"/>) and the export's (<see cref="ExportSteps"/>), for both hosts.
/// </summary>
public sealed class PrivacyActivities
{
    private readonly IPrivacyPipeline _pipeline;
    private readonly StepJournal _journal;
    private readonly ErasureSteps _erasure;
    private readonly ExportSteps _export;

    public PrivacyActivities(IPrivacyPipeline pipeline, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _pipeline = pipeline;
        Requests = new PrivacyRequestStore(pipeline.Storage.PrivacyRequests, time);
        Audit = new AuditLog(pipeline.Storage.Audit, pipeline.Storage.AuditHead, time);
        _journal = new StepJournal(Requests, time);
        var services = new StepServices(pipeline, _journal, Audit, new Views.IdentityIndex(pipeline.Storage.Identities, pipeline.Pseudonymizer), time);
        _erasure = new ErasureSteps(services);
        _export = new ExportSteps(services);
    }

    public PrivacyRequestStore Requests { get; }
    public AuditLog Audit { get; }

    /// <summary>Runs an activity by name, for hosts that dispatch by name (the local runner).</summary>
    public async Task<object> RunAsync(string activityName, JsonElement input, CancellationToken cancellationToken)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        T In<T>() => input.Deserialize<T>(options) ?? throw new InvalidDataException($"Activity {activityName} got no input.");
        return activityName switch
        {
            WorkflowNames.Register => await RegisterAsync(In<WorkflowInput>(), cancellationToken).ConfigureAwait(false),
            WorkflowNames.Suppress => await SuppressAsync(In<WorkflowInput>(), cancellationToken).ConfigureAwait(false),
            WorkflowNames.SetStatus => await SetStatusAsync(In<StatusChange>(), cancellationToken).ConfigureAwait(false),
            WorkflowNames.DeleteViews => await DeleteViewsAsync(In<WorkflowInput>(), cancellationToken).ConfigureAwait(false),
            WorkflowNames.PurgeRaw => await PurgeAsync(In<WorkflowInput>(), _pipeline.Storage.Names.RawContainer, cancellationToken).ConfigureAwait(false),
            WorkflowNames.PurgeQuarantine => await PurgeAsync(In<WorkflowInput>(), _pipeline.Storage.Names.QuarantineContainer, cancellationToken).ConfigureAwait(false),
            WorkflowNames.ShredKeys => await ShredKeysAsync(In<WorkflowInput>(), cancellationToken).ConfigureAwait(false),
            WorkflowNames.Verify => await VerifyAsync(In<WorkflowInput>(), cancellationToken).ConfigureAwait(false),
            WorkflowNames.Complete => await CompleteAsync(In<WorkflowInput>(), cancellationToken).ConfigureAwait(false),
            WorkflowNames.Close => await CloseAsync(In<StatusChange>(), cancellationToken).ConfigureAwait(false),
            WorkflowNames.GatherExport => await GatherExportAsync(In<WorkflowInput>(), cancellationToken).ConfigureAwait(false),
            _ => throw new InvalidOperationException($"Unknown activity '{activityName}'."),
        };
    }

    public Task<Registration> RegisterAsync(WorkflowInput input, CancellationToken cancellationToken) => _erasure.RegisterAsync(input, cancellationToken);

    public Task<SuppressionResult> SuppressAsync(WorkflowInput input, CancellationToken cancellationToken) => _erasure.SuppressAsync(input, cancellationToken);

    public Task<StepResult> SetStatusAsync(StatusChange change, CancellationToken cancellationToken) => _journal.SetStatusAsync(change, cancellationToken);

    public Task<StepResult> DeleteViewsAsync(WorkflowInput input, CancellationToken cancellationToken) => _erasure.DeleteViewsAsync(input, cancellationToken);

    public Task<StepResult> PurgeAsync(WorkflowInput input, string container, CancellationToken cancellationToken) => _erasure.PurgeAsync(input, container, cancellationToken);

    public Task<StepResult> ShredKeysAsync(WorkflowInput input, CancellationToken cancellationToken) => _erasure.ShredKeysAsync(input, cancellationToken);

    public Task<VerificationResult> VerifyAsync(WorkflowInput input, CancellationToken cancellationToken) => _erasure.VerifyAsync(input, cancellationToken);

    public Task<WorkflowOutcome> CompleteAsync(WorkflowInput input, CancellationToken cancellationToken) => _erasure.CompleteAsync(input, cancellationToken);

    public Task<WorkflowOutcome> CloseAsync(StatusChange change, CancellationToken cancellationToken) => _erasure.CloseAsync(change, cancellationToken);

    public Task<WorkflowOutcome> GatherExportAsync(WorkflowInput input, CancellationToken cancellationToken) => _export.GatherExportAsync(input, cancellationToken);
}
