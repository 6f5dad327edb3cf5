using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using Serverless.Pipeline.Privacy.Audit;
using Serverless.Pipeline.Privacy.Erasure;
using Serverless.Pipeline.Privacy.Requests;
using Serverless.Pipeline.Privacy.Suppression;
using Serverless.Pipeline.Processing;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Views;

namespace Serverless.Pipeline.Privacy.Workflows;

/// <summary>
/// The steps of the privacy workflows. Each is idempotent: run twice, or resumed after the process died inside it,
/// it leaves the same state as once. Each records what it did on the request, for the status API and the certificate.
/// </summary>
public sealed class PrivacyActivities
{
    private const int MaxTransaction = 100;
    private readonly PipelineServices _pipeline;
    private readonly PrivacyRequestStore _requests;
    private readonly AuditLog _audit;
    private readonly IdentityIndex _identities;
    private readonly TimeProvider _time;

    public PrivacyActivities(PipelineServices pipeline, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _pipeline = pipeline;
        _time = time;
        _requests = new PrivacyRequestStore(pipeline.Storage.PrivacyRequests, time);
        _audit = new AuditLog(pipeline.Storage.Audit, pipeline.Storage.AuditHead, time);
        _identities = new IdentityIndex(pipeline.Storage.Identities, pipeline.Pseudonymizer);
    }

    public PrivacyRequestStore Requests => _requests;
    public AuditLog Audit => _audit;

    private PipelineStorage Storage => _pipeline.Storage;

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
            WorkflowNames.PurgeRaw => await PurgeAsync(In<WorkflowInput>(), Storage.Names.RawContainer, cancellationToken).ConfigureAwait(false),
            WorkflowNames.PurgeQuarantine => await PurgeAsync(In<WorkflowInput>(), Storage.Names.QuarantineContainer, cancellationToken).ConfigureAwait(false),
            WorkflowNames.ShredKeys => await ShredKeysAsync(In<WorkflowInput>(), cancellationToken).ConfigureAwait(false),
            WorkflowNames.Verify => await VerifyAsync(In<WorkflowInput>(), cancellationToken).ConfigureAwait(false),
            WorkflowNames.Complete => await CompleteAsync(In<WorkflowInput>(), cancellationToken).ConfigureAwait(false),
            WorkflowNames.Close => await CloseAsync(In<StatusChange>(), cancellationToken).ConfigureAwait(false),
            WorkflowNames.GatherExport => await GatherExportAsync(In<WorkflowInput>(), cancellationToken).ConfigureAwait(false),
            _ => throw new InvalidOperationException($"Unknown activity '{activityName}'."),
        };
    }

    /// <summary>Finds every customer record of the person: the given customer id, and every subject their email or phone was seen on.</summary>
    public async Task<Registration> RegisterAsync(WorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await LoadAsync(input, cancellationToken).ConfigureAwait(false);
        var keys = KeysOf(request);
        var subjects = request.Subjects;
        if (subjects is null)
        {
            var found = new SortedSet<string>(await _identities.FindSubjectsAsync(request.Tenant, keys, cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
            if (request.Identifiers?.Subject is { } subject)
            {
                found.Add(subject);
            }

            subjects = [.. found];
            await _requests.UpdateAsync(input.Kind, input.RequestId, r =>
            {
                r.Subjects ??= subjects;
                AddStep(r, "register", new() { ["customerRecords"] = subjects.Count });
            }, cancellationToken).ConfigureAwait(false);
        }

        var tenant = _pipeline.Options.TenantOrDefault(request.Tenant);
        return new Registration(keys, subjects.Count, tenant.RequireFourEyes, tenant.ApprovalTimeout);
    }

    public async Task<SuppressionResult> SuppressAsync(WorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await LoadAsync(input, cancellationToken).ConfigureAwait(false);
        var existing = request.Steps.FirstOrDefault(s => s.Name == "suppress");
        var suppressedAt = existing?.At ?? _time.GetUtcNow();
        foreach (var keys in AllKeys(request))
        {
            await _pipeline.Suppressions.AddAsync(request.Tenant, keys, request.Id, cancellationToken).ConfigureAwait(false);
        }

        if (existing is null)
        {
            await _requests.UpdateAsync(input.Kind, input.RequestId, r =>
            {
                r.Status = RequestStatus.Suppressed;
                AddStep(r, "suppress", new() { ["keys"] = AllKeys(r).Sum(k => k.All().Count()) });
            }, cancellationToken).ConfigureAwait(false);
        }

        return new SuppressionResult(suppressedAt + _pipeline.Suppressions.CacheLifetime + _pipeline.Options.SuppressionMargin);
    }

    public async Task<StepResult> SetStatusAsync(StatusChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        await _requests.UpdateAsync(change.Kind, change.RequestId, r =>
        {
            r.Status = change.Status;
            if (change.By is not null)
            {
                r.ApprovedBy = change.By;
                AddStep(r, "approve", [], change.Detail);
            }
        }, cancellationToken).ConfigureAwait(false);
        return new StepResult("status", new Dictionary<string, long>());
    }

    /// <summary>Deletes the profile and activity rows and the identity lookups; keeps the subject index for the purges.</summary>
    public async Task<StepResult> DeleteViewsAsync(WorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await LoadAsync(input, cancellationToken).ConfigureAwait(false);
        var subjects = request.Subjects ?? [];
        long rows = 0;
        foreach (var subject in subjects)
        {
            var partition = TableKeys.Customer(request.Tenant, subject);
            var doomed = new List<TableTransactionAction>();
            await foreach (var row in Storage.Customers.QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (!row.RowKey.StartsWith(SubjectIndex.Prefix, StringComparison.Ordinal))
                {
                    doomed.Add(new TableTransactionAction(TableTransactionActionType.Delete, row, ETag.All));
                }
            }

            foreach (var chunk in doomed.Chunk(MaxTransaction))
            {
                await Storage.Customers.SubmitTransactionAsync(chunk, cancellationToken).ConfigureAwait(false);
            }

            rows += doomed.Count;
        }

        var identities = 0L;
        foreach (var keys in AllKeys(request))
        {
            identities += await _identities.RemoveAsync(request.Tenant, keys, subjects, cancellationToken).ConfigureAwait(false);
        }

        return await RecordAsync(input, "delete-views", new() { ["viewRows"] = rows, ["identityRows"] = identities }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Rewrites each blob the subject index names without the person's lines, then deletes that index row: a crash
    /// between the two leaves the row, and the rewrite, run again, finds nothing more to remove.
    /// </summary>
    public async Task<StepResult> PurgeAsync(WorkflowInput input, string container, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await LoadAsync(input, cancellationToken).ConfigureAwait(false);
        var subjects = (request.Subjects ?? []).ToHashSet(StringComparer.Ordinal);
        var matcher = MatcherFor(request);
        var blobs = Storage.Blobs.GetBlobContainerClient(container);
        var isRaw = container == Storage.Names.RawContainer;
        long blobsRewritten = 0, lines = 0, ledgerRows = 0;
        var touched = new List<string>();
        foreach (var subject in subjects)
        {
            var partition = TableKeys.Customer(request.Tenant, subject);
            var prefix = SubjectIndex.Prefix + container + TableKeys.Separator;
            var rows = new List<TableEntity>();
            await foreach (var row in Storage.Customers.QueryAsync<TableEntity>(e => e.PartitionKey == partition && e.RowKey.CompareTo(prefix) >= 0 && e.RowKey.CompareTo(prefix + "~") < 0,
                cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                rows.Add(row);
            }

            foreach (var row in rows)
            {
                var blobName = row.GetString("Blob");
                var removed = await GzipJsonLines.RemoveLinesAsync(blobs.GetBlobClient(blobName), matcher.IsAbout, cancellationToken).ConfigureAwait(false);
                if (isRaw)
                {
                    ledgerRows += await ForgetEventIdsAsync(request.Tenant, removed, cancellationToken).ConfigureAwait(false);
                }

                blobsRewritten += removed.Count > 0 ? 1 : 0;
                lines += removed.Count;
                touched.Add(container + "/" + blobName);
                await Storage.Customers.DeleteEntityAsync(partition, row.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
            }
        }

        await _requests.UpdateAsync(input.Kind, input.RequestId, r => r.TouchedBlobs.AddRange(touched.Except(r.TouchedBlobs)), cancellationToken).ConfigureAwait(false);
        var step = isRaw ? "purge-raw" : "purge-quarantine";
        return await RecordAsync(input, step, new() { ["blobsRewritten"] = blobsRewritten, ["linesRemoved"] = lines, ["ledgerRowsRemoved"] = ledgerRows }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Raw events are not encrypted with per-subject keys in this pipeline, so there is no key to destroy: the raw
    /// archive is physically purged instead. The step is recorded so the certificate says so.
    /// </summary>
    public Task<StepResult> ShredKeysAsync(WorkflowInput input, CancellationToken cancellationToken) =>
        RecordAsync(input, "shred-keys", new() { ["keysDestroyed"] = 0 }, cancellationToken,
            "Not applicable: raw data is not encrypted per subject; it was purged from every blob instead.");

    /// <summary>Reads again everything the erasure touched and looks for the person's records and identifiers.</summary>
    public async Task<VerificationResult> VerifyAsync(WorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await LoadAsync(input, cancellationToken).ConfigureAwait(false);
        var subjects = (request.Subjects ?? []).ToHashSet(StringComparer.Ordinal);
        var matcher = MatcherFor(request);
        var findings = new List<string>();
        long checkedItems = 0;
        foreach (var subject in subjects)
        {
            var partition = TableKeys.Customer(request.Tenant, subject);
            await foreach (var row in Storage.Customers.QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                findings.Add($"A '{row.RowKey.Split(TableKeys.Separator)[0]}' row is left in the customer views.");
            }

            checkedItems++;
        }

        if ((await _identities.FindSubjectsAsync(request.Tenant, KeysOf(request), cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            findings.Add("An identity lookup row is left.");
        }

        foreach (var touched in request.TouchedBlobs)
        {
            var slash = touched.IndexOf('/', StringComparison.Ordinal);
            var blob = Storage.Blobs.GetBlobContainerClient(touched[..slash]).GetBlobClient(touched[(slash + 1)..]);
            if (!await blob.ExistsAsync(cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            await foreach (var line in GzipJsonLines.ReadAsync(blob, cancellationToken).ConfigureAwait(false))
            {
                using (line)
                {
                    if (matcher.IsAbout(line.RootElement.GetRawText()))
                    {
                        findings.Add($"A line about the person is left in {touched}.");
                    }
                }
            }

            checkedItems++;
        }

        var result = new VerificationResult(findings.Count == 0, findings, checkedItems);
        await RecordAsync(input, "verify", new() { ["checked"] = checkedItems, ["findings"] = findings.Count }, cancellationToken,
            result.Clean ? "Nothing of the person is left in the views, the identity lookups or any blob that held their events." : string.Join(" ", findings)).ConfigureAwait(false);
        return result;
    }

    /// <summary>Appends the audit record, issues the certificate, and forgets the identifiers.</summary>
    public async Task<WorkflowOutcome> CompleteAsync(WorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await LoadAsync(input, cancellationToken).ConfigureAwait(false);
        if (request.Status == RequestStatus.Completed)
        {
            return new WorkflowOutcome(RequestStatus.Completed, null);
        }

        var completedAt = _time.GetUtcNow();
        var certificate = new JsonObject
        {
            ["requestId"] = request.Id,
            ["tenant"] = request.Tenant,
            ["subjectKeys"] = JsonSerializer.SerializeToNode(AllKeys(request).ToList()),
            ["reason"] = request.Reason,
            ["requestedBy"] = request.Requester,
            ["approvedBy"] = request.ApprovedBy,
            ["registeredAt"] = request.CreatedAt,
            ["completedAt"] = completedAt,
            ["dueAt"] = request.DueAt,
            ["customerRecords"] = request.Subjects?.Count ?? 0,
            ["steps"] = JsonSerializer.SerializeToNode(request.Steps),
            ["blobsPurged"] = JsonSerializer.SerializeToNode(request.TouchedBlobs),
        };
        var record = await _audit.AppendAsync(request.Tenant, request.Id, "erasure-completed", certificate, cancellationToken).ConfigureAwait(false);
        certificate["audit"] = new JsonObject { ["sequence"] = record.Sequence, ["hash"] = record.Hash };
        await _requests.UpdateAsync(input.Kind, input.RequestId, r =>
        {
            r.Status = RequestStatus.Completed;
            r.CompletedAt = completedAt;
            r.Certificate = certificate;
            r.Identifiers = null;
            r.Subjects = null;
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
        var request = await _requests.GetAsync(change.Kind, change.RequestId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Request {change.RequestId} does not exist.");
        if (RequestStatus.IsTerminal(request.Status))
        {
            return new WorkflowOutcome(request.Status, request.Error);
        }

        if (change.Status is RequestStatus.Cancelled or RequestStatus.Expired)
        {
            foreach (var keys in AllKeys(request))
            {
                await _pipeline.Suppressions.RemoveAsync(request.Tenant, keys, cancellationToken).ConfigureAwait(false);
            }
        }

        await _audit.AppendAsync(request.Tenant, request.Id, "request-" + change.Status.ToLowerInvariant(), new JsonObject
        {
            ["kind"] = request.Kind,
            ["subjectKeys"] = JsonSerializer.SerializeToNode(AllKeys(request).ToList()),
            ["requestedBy"] = request.Requester,
            ["by"] = change.By,
            ["detail"] = change.Detail,
        }, cancellationToken).ConfigureAwait(false);
        await _requests.UpdateAsync(change.Kind, change.RequestId, r =>
        {
            r.Status = change.Status;
            r.CompletedAt = _time.GetUtcNow();
            r.Error = change.Status == RequestStatus.Failed ? change.Detail : null;
            AddStep(r, change.Status.ToLowerInvariant(), [], change.Detail);
            r.Identifiers = null;
            r.Subjects = null;
        }, cancellationToken).ConfigureAwait(false);
        return new WorkflowOutcome(change.Status, change.Detail);
    }

    /// <summary>Gathers the profile, recent activity and raw events of every customer record of the person into one JSON document.</summary>
    public async Task<WorkflowOutcome> GatherExportAsync(WorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await LoadAsync(input, cancellationToken).ConfigureAwait(false);
        var found = new SortedSet<string>(await _identities.FindSubjectsAsync(request.Tenant, KeysOf(request), cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
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
        await Storage.Exports.GetBlobClient(blobName).UploadAsync(BinaryData.FromString(document.ToJsonString()), overwrite: true, cancellationToken).ConfigureAwait(false);
        await _audit.AppendAsync(request.Tenant, request.Id, "export-completed", new JsonObject
        {
            ["subjectKeys"] = JsonSerializer.SerializeToNode(AllKeys(request).ToList()),
            ["requestedBy"] = request.Requester,
            ["customerRecords"] = found.Count,
            ["events"] = events,
        }, cancellationToken).ConfigureAwait(false);
        await _requests.UpdateAsync(input.Kind, input.RequestId, r =>
        {
            r.Status = RequestStatus.Completed;
            r.CompletedAt = _time.GetUtcNow();
            r.ExportBlob = blobName;
            AddStep(r, "gather", new() { ["customerRecords"] = found.Count, ["events"] = events });
            r.Identifiers = null;
        }, cancellationToken).ConfigureAwait(false);
        return new WorkflowOutcome(RequestStatus.Completed, null);
    }

    private async Task<(JsonObject Record, long Events)> GatherSubjectAsync(string tenant, string subject, CancellationToken cancellationToken)
    {
        var partition = TableKeys.Customer(tenant, subject);
        JsonObject? profile = null;
        var activity = new JsonArray();
        var blobs = new List<string>();
        await foreach (var row in Storage.Customers.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var properties = new JsonObject();
            foreach (var (key, value) in row.Where(p => p.Key is not ("odata.etag" or "PartitionKey" or "RowKey" or CustomerProfile.ActivityKeysProperty)))
            {
                properties[key] = JsonSerializer.SerializeToNode(value);
            }

            if (row.RowKey == CustomerProfile.RowKey)
            {
                profile = properties;
            }
            else if (row.RowKey.StartsWith(ActivityRows.Prefix, StringComparison.Ordinal))
            {
                activity.Add(properties);
            }
            else if (row.RowKey.StartsWith(SubjectIndex.Prefix + Storage.Names.RawContainer + TableKeys.Separator, StringComparison.Ordinal))
            {
                blobs.Add(row.GetString("Blob"));
            }
        }

        var events = new JsonArray();
        foreach (var name in blobs)
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

        return (new JsonObject { ["subject"] = subject, ["profile"] = profile, ["recentActivity"] = activity, ["events"] = events }, events.Count);
    }

    private async Task<long> ForgetEventIdsAsync(string tenant, IReadOnlyList<string> removedLines, CancellationToken cancellationToken)
    {
        long forgotten = 0;
        foreach (var line in removedLines)
        {
            using var document = JsonDocument.Parse(line);
            var claim = new Dedupe.EventClaim(tenant, document.RootElement.GetProperty("id").GetString()!, default);
            try
            {
                await Storage.EventIds.DeleteEntityAsync(Dedupe.EventIdLedger.PartitionKey(claim), TableKeys.Escape(claim.EventId), ETag.All, cancellationToken).ConfigureAwait(false);
                forgotten++;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Forgotten by an earlier run of this step.
            }
        }

        return forgotten;
    }

    private PersonMatcher MatcherFor(PrivacyRequest request) => new(
        request.Subjects ?? [],
        request.Identifiers?.Email is { } email ? [email] : [],
        request.Identifiers?.Phone is { } phone ? [phone] : [],
        _pipeline.Options.RegionFor(request.Tenant));

    private SubjectKeys KeysOf(PrivacyRequest request) =>
        SubjectKeys.For(_pipeline.Pseudonymizer, request.Tenant, request.Identifiers?.Subject, request.Identifiers?.Email, request.Identifiers?.Phone);

    // The person's keys, and the subject keys of every customer record found for them.
    private List<SubjectKeys> AllKeys(PrivacyRequest request)
    {
        var keys = new List<SubjectKeys> { KeysOf(request) };
        keys.AddRange((request.Subjects ?? []).Select(s => SubjectKeys.For(_pipeline.Pseudonymizer, request.Tenant, s, null, null)));
        return keys.DistinctBy(k => (k.Subject, k.Email, k.Phone)).ToList();
    }

    private async Task<PrivacyRequest> LoadAsync(WorkflowInput input, CancellationToken cancellationToken) =>
        await _requests.GetAsync(input.Kind, input.RequestId, cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException($"Request {input.RequestId} does not exist.");

    private async Task<StepResult> RecordAsync(WorkflowInput input, string step, Dictionary<string, long> counts, CancellationToken cancellationToken, string? detail = null)
    {
        await _requests.UpdateAsync(input.Kind, input.RequestId, r => AddStep(r, step, counts, detail), cancellationToken).ConfigureAwait(false);
        return new StepResult(step, counts);
    }

    private void AddStep(PrivacyRequest request, string name, Dictionary<string, long> counts, string? detail = null) =>
        request.Steps.Add(new RequestStep(name, _time.GetUtcNow(), counts, detail));
}
