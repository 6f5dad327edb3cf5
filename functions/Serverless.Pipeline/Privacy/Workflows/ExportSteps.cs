using System.Text.Json.Nodes;
using Azure.Storage.Blobs.Models;
using Serverless.Pipeline.Privacy.Audit;
using Serverless.Pipeline.Privacy.Requests;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Views;

namespace Serverless.Pipeline.Privacy.Workflows;

/// <summary>The step of the subject access export: gather everything about the person into one document.</summary>
public sealed class ExportSteps
{
    private readonly IPrivacyPipeline _pipeline;
    private readonly StepJournal _journal;
    private readonly AuditLog _audit;
    private readonly IdentityIndex _identities;
    private readonly TimeProvider _time;

    public ExportSteps(StepServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        (_pipeline, _journal, _audit, _identities, _time) = services;
    }

    private PipelineStorage Storage => _pipeline.Storage;

    /// <summary>Gathers the profile, recent activity and raw events of every customer record of the person into one JSON document.</summary>
    public async Task<WorkflowOutcome> GatherExportAsync(WorkflowInput input, CancellationToken cancellationToken)
    {
        var request = await _journal.LoadAsync(input, cancellationToken).ConfigureAwait(false);
        var found = new SortedSet<string>(await _identities.FindSubjectsAsync(request.Tenant, PersonKeys.Given(_pipeline.Pseudonymizer, request), cancellationToken).ConfigureAwait(false),
            StringComparer.Ordinal);
        if (request.Identifiers?.Subject is { } given)
        {
            found.Add(given);
        }

        var records = new JsonArray();
        long events = 0;
        foreach (var subject in found)
        {
            var (record, count) = await GatherSubjectAsync(request.Tenant, subject, cancellationToken).ConfigureAwait(false);
            records.Add(record);
            events += count;
        }

        var document = new JsonObject
        {
            ["requestId"] = request.Id,
            ["tenant"] = request.Tenant,
            ["generatedAt"] = _time.GetUtcNow(),
            ["customerRecords"] = records,
        };
        var blobName = request.Tenant + "/" + request.Id + ".json";
        await Storage.Exports.GetBlobClient(blobName).UploadAsync(BinaryData.FromString(document.ToJsonString()), new BlobUploadOptions
        {
            // The download link serves the blob with these headers: a JSON file with a name, not an octet stream.
            HttpHeaders = new BlobHttpHeaders
            {
                ContentType = "application/json",
                ContentDisposition = $"attachment; filename=\"export-{request.Id}.json\"",
            },
        }, cancellationToken).ConfigureAwait(false);
        await _audit.AppendAsync(request.Tenant, request.Id, "export-completed", new JsonObject
        {
            ["subjectKeys"] = PersonKeys.Describe(PersonKeys.All(_pipeline.Pseudonymizer, request)),
            ["requestedBy"] = request.Requester,
            ["customerRecords"] = found.Count,
            ["events"] = events,
        }, cancellationToken).ConfigureAwait(false);
        await _journal.UpdateAsync(input, r =>
        {
            r.Status = RequestStatus.Completed;
            r.CompletedAt = _time.GetUtcNow();
            r.ExportBlob = blobName;
            _journal.AddStep(r, "gather", new() { ["customerRecords"] = found.Count, ["events"] = events });
            r.Identifiers = null;
        }, cancellationToken).ConfigureAwait(false);
        return new WorkflowOutcome(RequestStatus.Completed, null);
    }

    private async Task<(JsonObject Record, long Events)> GatherSubjectAsync(string tenant, string subject, CancellationToken cancellationToken)
    {
        var (profile, activity, rawBlobs) = await new CustomerPartition(Storage.Customers, tenant, subject).ReadAsync(Storage.Names.RawContainer, cancellationToken).ConfigureAwait(false);
        var events = new JsonArray();
        foreach (var name in rawBlobs)
        {
            await foreach (var line in GzipJsonLines.ReadAsync(Storage.Raw.GetBlobClient(name), cancellationToken).ConfigureAwait(false))
            {
                using (line)
                {
                    if (line.RootElement.TryGetProperty("subject", out var s) && s.GetString() == subject)
                    {
                        events.Add(JsonNode.Parse(line.RootElement.GetRawText()));
                    }
                }
            }
        }

        return (new JsonObject
        {
            ["subject"] = subject,
            ["profile"] = ExportShape.Profile(profile, events),
            ["recentActivity"] = ExportShape.Activity(activity),
            ["events"] = events,
        }, events.Count);
    }
}
