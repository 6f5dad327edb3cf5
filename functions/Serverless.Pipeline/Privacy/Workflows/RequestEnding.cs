using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Pipeline.Privacy.Audit;
using Serverless.Pipeline.Privacy.Erasure;
using Serverless.Pipeline.Privacy.Requests;

namespace Serverless.Pipeline.Privacy.Workflows;

/// <summary>
/// How a request ends: an erasure completed with its certificate, or any request closed without erasing (cancelled,
/// expired, failed). Either way the audit log says so and the request forgets the person's identifiers.
/// </summary>
public sealed class RequestEnding
{
    private readonly IPrivacyPipeline _pipeline;
    private readonly StepJournal _journal;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;

    public RequestEnding(StepServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        (_pipeline, _journal, _audit, _, _time) = services;
    }

    /// <summary>Appends the audit record, issues the certificate, and forgets the identifiers.</summary>
    public async Task<WorkflowOutcome> CompleteAsync(WorkflowInput input, CancellationToken cancellationToken)
    {
        var request = await _journal.LoadAsync(input, cancellationToken).ConfigureAwait(false);
        if (request.Status == RequestStatus.Completed)
        {
            return new WorkflowOutcome(RequestStatus.Completed, null);
        }

        var completedAt = _time.GetUtcNow();
        var certificate = new JsonObject
        {
            ["requestId"] = request.Id,
            ["tenant"] = request.Tenant,
            ["subjectKeys"] = PersonKeys.Describe(PersonKeys.All(_pipeline.Pseudonymizer, request)),
            ["reason"] = request.Reason,
            ["requestedBy"] = request.Requester,
            ["approvedBy"] = request.ApprovedBy,
            ["registeredAt"] = request.CreatedAt,
            ["completedAt"] = completedAt,
            ["dueAt"] = request.DueAt,
            ["customerRecords"] = request.Subjects?.Count ?? 0,
            ["steps"] = JsonSerializer.SerializeToNode(request.Steps),
            ["blobsPurged"] = JsonSerializer.SerializeToNode(request.TouchedBlobs),
            ["inventory"] = JsonSerializer.SerializeToNode(ErasureInventory.Of(request, _pipeline.Options.Privacy, completedAt)),
        };
        var record = await _audit.AppendAsync(request.Tenant, request.Id, "erasure-completed", certificate, cancellationToken).ConfigureAwait(false);
        certificate["audit"] = new JsonObject { ["sequence"] = record.Sequence, ["hash"] = record.Hash };
        await _journal.UpdateAsync(input, r =>
        {
            r.Status = RequestStatus.Completed;
            r.CompletedAt = completedAt;
            r.Certificate = certificate;
            r.ForgetPerson();
        }, cancellationToken).ConfigureAwait(false);
        return new WorkflowOutcome(RequestStatus.Completed, null);
    }

    /// <summary>
    /// Ends a request without erasing: cancelled or expired ones lift their suppression; a failed one keeps it (the
    /// person asked to be forgotten). Either way the audit log says so and the identifiers are forgotten.
    /// </summary>
    public async Task<WorkflowOutcome> CloseAsync(StatusChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var request = await _journal.Requests.GetAsync(change.Kind, change.RequestId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Request {change.RequestId} does not exist.");
        if (RequestStatus.IsTerminal(request.Status))
        {
            return new WorkflowOutcome(request.Status, request.Error);
        }

        var keys = PersonKeys.All(_pipeline.Pseudonymizer, request);
        if (change.Status is RequestStatus.Cancelled or RequestStatus.Expired)
        {
            foreach (var key in keys)
            {
                await _pipeline.Suppressions.RemoveAsync(request.Tenant, key, cancellationToken).ConfigureAwait(false);
            }
        }

        await _audit.AppendAsync(request.Tenant, request.Id, "request-" + change.Status.ToLowerInvariant(), new JsonObject
        {
            ["kind"] = request.Kind,
            ["subjectKeys"] = PersonKeys.Describe(keys),
            ["requestedBy"] = request.Requester,
            ["by"] = change.By,
            ["detail"] = change.Detail,
        }, cancellationToken).ConfigureAwait(false);
        await _journal.Requests.UpdateAsync(change.Kind, change.RequestId, r =>
        {
            r.Status = change.Status;
            r.CompletedAt = _time.GetUtcNow();
            r.Error = change.Status == RequestStatus.Failed ? change.Detail : null;
            _journal.AddStep(r, change.Status.ToLowerInvariant(), [], change.Detail);
            r.ForgetPerson();
        }, cancellationToken).ConfigureAwait(false);
        return new WorkflowOutcome(change.Status, change.Detail);
    }
}
