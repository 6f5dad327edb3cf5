using Serverless.Pipeline.Composition;
using Serverless.Pipeline.Privacy.Api;
using Serverless.Pipeline.Privacy.Workflows;

namespace Serverless.Local.Workflows;

/// <summary>The privacy side of the local runtime: the activities, the checkpointed runner that drives them, and the API.</summary>
public sealed class LocalPrivacy : IAsyncDisposable
{
    private LocalPrivacy(PrivacyActivities activities, CheckpointedWorkflowRunner runner, PrivacyApi api)
    {
        Activities = activities;
        Runner = runner;
        Api = api;
    }

    public PrivacyActivities Activities { get; }
    public CheckpointedWorkflowRunner Runner { get; }
    public PrivacyApi Api { get; }

    /// <summary>Builds the parts and starts the runner, which resumes every request a previous run left unfinished.</summary>
    public static async Task<LocalPrivacy> StartAsync(PipelineServices pipeline, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(loggers);
        var activities = new PrivacyActivities(pipeline, time);
        var runner = new CheckpointedWorkflowRunner(pipeline.Storage.Workflows,
            (name, input, ct) => WorkflowActivities.RunAsync(activities, name, input, ct), time, loggers.CreateLogger<CheckpointedWorkflowRunner>());
        await runner.StartAsync(cancellationToken).ConfigureAwait(false);
        var api = new PrivacyApi(activities.Requests, activities.Audit, runner, pipeline.Storage, pipeline.Options, time);
        return new LocalPrivacy(activities, runner, api);
    }

    public ValueTask DisposeAsync() => Runner.DisposeAsync();
}
