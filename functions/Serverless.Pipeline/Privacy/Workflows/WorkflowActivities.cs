using System.Text.Json;

namespace Serverless.Pipeline.Privacy.Workflows;

/// <summary>
/// The registry of the privacy workflows' activities: each name with the step it runs. The local runner dispatches
/// through it by name; the Functions app has one activity function per entry, which a test holds to this list. A step
/// is added here (its name and entry) and in its steps class.
/// </summary>
public static class WorkflowActivities
{
    public static readonly WorkflowActivity<WorkflowInput, Registration> Register = new(WorkflowNames.Register, (s, input, ct) => s.Erasure.RegisterAsync(input, ct));
    public static readonly WorkflowActivity<WorkflowInput, SuppressionResult> Suppress = new(WorkflowNames.Suppress, (s, input, ct) => s.Erasure.SuppressAsync(input, ct));
    public static readonly WorkflowActivity<StatusChange, StepResult> SetStatus = new(WorkflowNames.SetStatus, (s, change, ct) => s.Journal.SetStatusAsync(change, ct));
    public static readonly WorkflowActivity<WorkflowInput, StepResult> DeleteViews = new(WorkflowNames.DeleteViews, (s, input, ct) => s.Erasure.DeleteViewsAsync(input, ct));
    public static readonly WorkflowActivity<WorkflowInput, StepResult> PurgeRaw = new(WorkflowNames.PurgeRaw, (s, input, ct) => s.Erasure.PurgeRawAsync(input, ct));
    public static readonly WorkflowActivity<WorkflowInput, StepResult> PurgeQuarantine = new(WorkflowNames.PurgeQuarantine, (s, input, ct) => s.Erasure.PurgeQuarantineAsync(input, ct));
    public static readonly WorkflowActivity<WorkflowInput, StepResult> ShredKeys = new(WorkflowNames.ShredKeys, (s, input, ct) => s.Erasure.ShredKeysAsync(input, ct));
    public static readonly WorkflowActivity<WorkflowInput, VerificationResult> Verify = new(WorkflowNames.Verify, (s, input, ct) => s.Erasure.VerifyAsync(input, ct));
    public static readonly WorkflowActivity<WorkflowInput, WorkflowOutcome> Complete = new(WorkflowNames.Complete, (s, input, ct) => s.Ending.CompleteAsync(input, ct));
    public static readonly WorkflowActivity<StatusChange, WorkflowOutcome> Close = new(WorkflowNames.Close, (s, change, ct) => s.Ending.CloseAsync(change, ct));
    public static readonly WorkflowActivity<WorkflowInput, WorkflowOutcome> GatherExport = new(WorkflowNames.GatherExport, (s, input, ct) => s.Export.GatherExportAsync(input, ct));

    // After the entries: static fields are initialized in the order they are written.
    private static readonly Dictionary<string, WorkflowActivity> ByName = new WorkflowActivity[]
    {
        Register, Suppress, SetStatus, DeleteViews, PurgeRaw, PurgeQuarantine, ShredKeys, Verify, Complete, Close, GatherExport,
    }.ToDictionary(a => a.Name, StringComparer.Ordinal);

    public static IReadOnlyCollection<WorkflowActivity> All => ByName.Values;

    /// <summary>Runs the activity of that name on its JSON input.</summary>
    public static Task<object> RunAsync(PrivacyActivities steps, string activityName, JsonElement input, CancellationToken cancellationToken) =>
        ByName.TryGetValue(activityName, out var activity)
            ? activity.RunAsync(steps, input, cancellationToken)
            : throw new InvalidOperationException($"Unknown activity '{activityName}'.");
}

/// <summary>The names of the events and activities, shared by the workflow, the hosts and the API.</summary>
public static class WorkflowNames
{
    public const string ErasureWorkflow = "ErasureWorkflow";
    public const string ExportWorkflow = "ExportWorkflow";
    public const string DecisionEvent = "decision";

    public const string Register = "Privacy_Register";
    public const string Suppress = "Privacy_Suppress";
    public const string SetStatus = "Privacy_SetStatus";
    public const string DeleteViews = "Privacy_DeleteViews";
    public const string PurgeRaw = "Privacy_PurgeRaw";
    public const string PurgeQuarantine = "Privacy_PurgeQuarantine";
    public const string ShredKeys = "Privacy_ShredKeys";
    public const string Verify = "Privacy_Verify";
    public const string Complete = "Privacy_Complete";
    public const string Close = "Privacy_Close";
    public const string GatherExport = "Privacy_GatherExport";
}

