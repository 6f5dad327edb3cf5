using DurableTask.Core.Exceptions;
using Grpc.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Pipeline.Privacy.Requests;
using Serverless.Pipeline.Privacy.Workflows;

namespace Serverless.Functions.Privacy;

/// <summary>
/// Starts the privacy workflows as Durable orchestrations, one instance per request (instance id = request id), and
/// delivers the officers' decisions to them as external events.
/// </summary>
/// <remarks>
/// "Starting one that exists already does nothing" (<see cref="IWorkflowStarter"/>) holds in three cases:
/// <list type="bullet">
/// <item>The instance is pending or running: Durable refuses a second start. The Functions host answers the worker's
/// start with gRPC <c>AlreadyExists</c>, which the Durable client surfaces as <see cref="OrchestrationAlreadyExistsException"/>
/// (or, in older clients, as the <see cref="RpcException"/> itself); both mean success here.</item>
/// <item>The request has ended (completed, cancelled, expired, failed): it is not started again. Its instance is
/// usually purged by then (<see cref="WorkflowHistoryPurge"/>), and Durable would otherwise start a fresh instance
/// under the same id and run the steps again over a finished request.</item>
/// <item>Otherwise (the request is still open but its orchestration failed, for example after exhausting the activity
/// retries) Durable replaces the failed instance with a new one: posting the request again restarts it, and the
/// idempotent steps continue where it stopped.</item>
/// </list>
/// </remarks>
public sealed class DurableWorkflowStarter : IWorkflowStarter
{
    private readonly DurableTaskClient _client;
    private readonly Func<WorkflowInput, CancellationToken, Task<bool>> _hasEnded;

    public DurableWorkflowStarter(DurableTaskClient client, PrivacyRequestStore requests)
        : this(client, EndedIn(requests))
    {
    }

    /// <param name="client">The Durable client of the invocation (its <c>[DurableClient]</c> binding).</param>
    /// <param name="hasEnded">Whether the request a workflow input names has reached a terminal status.</param>
    public DurableWorkflowStarter(DurableTaskClient client, Func<WorkflowInput, CancellationToken, Task<bool>> hasEnded)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(hasEnded);
        _client = client;
        _hasEnded = hasEnded;
    }

    public async Task StartAsync(string workflowName, string instanceId, WorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (await _hasEnded(input, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            await _client.ScheduleNewOrchestrationInstanceAsync(workflowName, input, new StartOrchestrationOptions { InstanceId = instanceId }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (IsAlreadyExists(ex))
        {
            // Started before: the same request posted again. One instance only.
        }
    }

    /// <summary>Raises the event; Durable keeps it until the instance waits for it, and drops it for an ended instance.</summary>
    public Task RaiseEventAsync(string instanceId, string eventName, object payload, CancellationToken cancellationToken) =>
        _client.RaiseEventAsync(instanceId, eventName, payload, cancellationToken);

    /// <summary>Whether a start failed only because an instance with that id is already pending or running.</summary>
    public static bool IsAlreadyExists(Exception exception) =>
        exception is OrchestrationAlreadyExistsException or RpcException { StatusCode: StatusCode.AlreadyExists };

    private static Func<WorkflowInput, CancellationToken, Task<bool>> EndedIn(PrivacyRequestStore requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return async (input, cancellationToken) =>
        {
            var request = await requests.GetAsync(input.Kind, input.RequestId, cancellationToken).ConfigureAwait(false);
            return request is not null && RequestStatus.IsTerminal(request.Status);
        };
    }
}
