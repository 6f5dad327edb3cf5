using Microsoft.DurableTask.Client;
using Serverless.Functions.Hosting;
using Serverless.Pipeline.Privacy.Api;
using Serverless.Pipeline.Privacy.Workflows;

namespace Serverless.Functions.Privacy;

/// <summary>
/// What the privacy functions share, over the app's one pipeline (<see cref="PipelineProvider"/>): the workflow steps
/// (<see cref="PrivacyActivities"/>), built once per instance, and the privacy API, built per request around the
/// Durable client that the request's binding hands over.
/// </summary>
public sealed class PrivacyServices
{
    private readonly PipelineProvider _pipeline;
    private readonly TimeProvider _time;
    private PrivacyActivities? _activities;

    public PrivacyServices(PipelineProvider pipeline, TimeProvider time)
    {
        _pipeline = pipeline;
        _time = time;
    }

    /// <summary>The steps of the workflows. Building them twice in a race is harmless: they only wrap the pipeline's clients.</summary>
    public async ValueTask<PrivacyActivities> GetActivitiesAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _activities) is { } ready)
        {
            return ready;
        }

        var services = await _pipeline.GetServicesAsync(cancellationToken).ConfigureAwait(false);
        var built = new PrivacyActivities(services, _time);
        return Interlocked.CompareExchange(ref _activities, built, null) ?? built;
    }

    /// <summary>The privacy API of one request, starting workflows and raising their events through <paramref name="client"/>.</summary>
    public async ValueTask<PrivacyApi> GetApiAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        var services = await _pipeline.GetServicesAsync(cancellationToken).ConfigureAwait(false);
        var activities = await GetActivitiesAsync(cancellationToken).ConfigureAwait(false);
        var workflows = new DurableWorkflowStarter(client, activities.Requests);
        return new PrivacyApi(activities.Requests, activities.Audit, workflows, services.Storage, services.Options, _time);
    }
}
