using System.Text.Json;
using Serverless.Pipeline.Dedupe;
using Serverless.Pipeline.Privacy.Audit;
using Serverless.Pipeline.Privacy.Erasure;
using Serverless.Pipeline.Privacy.Requests;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Views;

namespace Serverless.Pipeline.Privacy.Workflows;

/// <summary>
/// The steps of the erasure workflow. Each is idempotent: run twice, or resumed after the process died inside it, it
/// leaves the same state as once, and its recorded counts are the whole step's (see <see cref="StepJournal"/>).
/// </summary>
public sealed class ErasureSteps
{
    private readonly IPrivacyPipeline _pipeline;
    private readonly StepJournal _journal;
    private readonly AuditLog _audit;
    private readonly IdentityIndex _identities;
    private readonly TimeProvider _time;
    private readonly EventIdLedger _ledger;

    public ErasureSteps(StepServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        (_pipeline, _journal, _audit, _identities, _time) = services;
        _ledger = new EventIdLedger(services.Pipeline.Storage.EventIds, services.Time);
    }

    private PipelineStorage Storage => _pipeline.Storage;

    /// <summary>Finds every customer record of the person: the given customer id, and every subject their email or phone was seen on.</summary>
    public async Task<Registration> RegisterAsync(WorkflowInput input, CancellationToken cancellationToken)
    {
        var request = await _journal.LoadAsync(input, cancellationToken).ConfigureAwait(false);
        var keys = PersonKeys.Given(_pipeline.Pseudonymizer, request);
        var subjects = request.Subjects;
        if (subjects is null)
        {
            var found = new SortedSet<string>(await _identities.FindSubjectsAsync(request.Tenant, keys, cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
            if (request.Identifiers?.Subject is { } subject)
            {
                found.Add(subject);
            }

            subjects = [.. found];
            await _journal.UpdateAsync(input, r =>
            {
                r.Subjects ??= subjects;
                _journal.AddStep(r, "register", new() { ["customerRecords"] = subjects.Count });
            }, cancellationToken).ConfigureAwait(false);
        }

        var tenant = _pipeline.Options.TenantOrDefault(request.Tenant);
        return new Registration(keys, subjects.Count, tenant.RequireFourEyes, tenant.ApprovalTimeout);
    }

    public async Task<SuppressionResult> SuppressAsync(WorkflowInput input, CancellationToken cancellationToken)
    {
        var request = await _journal.LoadAsync(input, cancellationToken).ConfigureAwait(false);
        var existing = request.Steps.FirstOrDefault(s => s.Name == "suppress");
        var suppressedAt = existing?.At ?? _time.GetUtcNow();
        foreach (var keys in PersonKeys.All(_pipeline.Pseudonymizer, request))
        {
            await _pipeline.Suppressions.AddAsync(request.Tenant, keys, request.Id, cancellationToken).ConfigureAwait(false);
        }

        if (existing is null)
        {
            await _journal.UpdateAsync(input, r =>
            {
                r.Status = RequestStatus.Suppressed;
                _journal.AddStep(r, "suppress", new() { ["keys"] = PersonKeys.All(_pipeline.Pseudonymizer, r).Sum(k => k.All().Count()) });
            }, cancellationToken).ConfigureAwait(false);
        }

        var bound = suppressedAt + _pipeline.Suppressions.CacheLifetime + _pipeline.Options.SuppressionMargin;
        if (_pipeline.Options.AllProcessorsInProcess && await BatchesInFlightEndedAsync(bound - _time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            return new SuppressionResult(_time.GetUtcNow());
        }

        return new SuppressionResult(bound);
    }

    // Processors of this process read the new list from their next batch on; only batches already in flight can still
    // store the person's events, and a batch takes at most the margin. Past the bound the workflow's own wait is left.
    private async Task<bool> BatchesInFlightEndedAsync(TimeSpan bound, CancellationToken cancellationToken)
    {
        if (bound <= TimeSpan.Zero)
        {
            return false;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(bound);
        try
        {
            await _pipeline.Suppressions.WaitForEarlierBatchesAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// Deletes the profile and activity rows and the claims of the customers' event ids, the identity lookups and the
    /// person's subject access exports; keeps the subject index for the purges.
    /// </summary>
    public async Task<StepResult> DeleteViewsAsync(WorkflowInput input, CancellationToken cancellationToken)
    {
        var request = await _journal.LoadAsync(input, cancellationToken).ConfigureAwait(false);
        var subjects = request.Subjects ?? [];
        for (var i = 0; i < subjects.Count; i++)
        {
            var partition = new CustomerPartition(Storage.Customers, request.Tenant, subjects[i]);
            var doomed = (await partition.RowKeysAsync(cancellationToken).ConfigureAwait(false)).Where(k => !CustomerPartition.IsSubjectIndex(k)).ToList();
            var claims = doomed.Count(CustomerPartition.IsClaim);
            await _journal.CountOnceAsync(input, ErasureStepNames.DeleteViews, "customer-record-" + i,
                new Dictionary<string, long> { ["viewRows"] = doomed.Count - claims, ["ledgerRowsRemoved"] = claims }, cancellationToken).ConfigureAwait(false);
            await partition.DeleteRowsAsync(doomed, cancellationToken).ConfigureAwait(false);
        }

        var identityRows = await _identities.RowsOfAsync(request.Tenant, PersonKeys.All(_pipeline.Pseudonymizer, request), subjects, cancellationToken).ConfigureAwait(false);
        await _journal.CountOnceAsync(input, ErasureStepNames.DeleteViews, "identity-index", new Dictionary<string, long> { ["identityRows"] = identityRows.Count }, cancellationToken).ConfigureAwait(false);
        await _identities.DeleteRowsAsync(identityRows, cancellationToken).ConfigureAwait(false);
        var exports = await ExportsOfAsync(request.Tenant, subjects, cancellationToken).ConfigureAwait(false);
        await _journal.CountOnceAsync(input, ErasureStepNames.DeleteViews, "exports", new Dictionary<string, long> { ["exportDocuments"] = exports.Count }, cancellationToken).ConfigureAwait(false);
        foreach (var export in exports)
        {
            await Storage.Exports.DeleteBlobIfExistsAsync(export, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return await _journal.RecordAsync(input, ErasureStepNames.DeleteViews, new() { ["viewRows"] = 0, ["ledgerRowsRemoved"] = 0, ["identityRows"] = 0, ["exportDocuments"] = 0 },
            cancellationToken).ConfigureAwait(false);
    }

    // Export documents are few (the lifecycle rule deletes them after days): each of the tenant's is read whole.
    private async Task<List<string>> ExportsOfAsync(string tenant, IReadOnlyCollection<string> subjects, CancellationToken cancellationToken)
    {
        var theirs = new List<string>();
        await foreach (var item in Storage.Exports.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, tenant + "/", cancellationToken).ConfigureAwait(false))
        {
            var content = await Storage.Exports.GetBlobClient(item.Name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            using var document = JsonDocument.Parse(content.Value.Content);
            if (document.RootElement.TryGetProperty("customerRecords", out var records)
                && records.EnumerateArray().Any(r => r.TryGetProperty("subject", out var s) && s.ValueKind == JsonValueKind.String && subjects.Contains(s.GetString()!)))
            {
                theirs.Add(item.Name);
            }
        }

        return theirs;
    }

    /// <summary>
    /// Rewrites each blob the subject index names without the person's lines, then deletes that index row: a crash
    /// between the two leaves the row, and the rewrite, run again, finds nothing more to remove. The raw lines' event
    /// ids leave the earlier dedupe ledger (<see cref="EventIdLedger"/>; their claims in the customer partitions went
    /// with the views) before the lines leave the blob, while they can still be read.
    /// </summary>
    public Task<StepResult> PurgeRawAsync(WorkflowInput input, CancellationToken cancellationToken) =>
        PurgeAsync(input, Storage.Names.RawContainer, ErasureStepNames.PurgeRaw, forgetEventIds: true, cancellationToken);

    /// <summary>As <see cref="PurgeRawAsync"/>, in the quarantine, whose events were never claimed.</summary>
    public Task<StepResult> PurgeQuarantineAsync(WorkflowInput input, CancellationToken cancellationToken) =>
        PurgeAsync(input, Storage.Names.QuarantineContainer, ErasureStepNames.PurgeQuarantine, forgetEventIds: false, cancellationToken);

    private async Task<StepResult> PurgeAsync(WorkflowInput input, string container, string step, bool forgetEventIds, CancellationToken cancellationToken)
    {
        var request = await _journal.LoadAsync(input, cancellationToken).ConfigureAwait(false);
        var matcher = ErasureMatch.For(request, _pipeline.Options);
        var blobs = Storage.Blobs.GetBlobContainerClient(container);
        foreach (var subject in request.Subjects ?? [])
        {
            var partition = new CustomerPartition(Storage.Customers, request.Tenant, subject);
            foreach (var blob in await partition.IndexedBlobsAsync(container, cancellationToken).ConfigureAwait(false))
            {
                var unit = container + "/" + blob.Name;
                void Touch(PrivacyRequest r)
                {
                    if (!r.TouchedBlobs.Contains(unit, StringComparer.Ordinal))
                    {
                        r.TouchedBlobs.Add(unit);
                    }
                }

                var rewritten = false;
                await GzipJsonLines.RemoveLinesAsync(blobs.GetBlobClient(blob.Name), matcher.IsAbout, async (lines, ct) =>
                {
                    var ids = new List<string>();
                    foreach (var id in forgetEventIds ? EventIdsOf(lines) : [])
                    {
                        if (await _ledger.ContainsAsync(request.Tenant, id, ct).ConfigureAwait(false))
                        {
                            ids.Add(id);
                        }
                    }

                    await _journal.CountOnceAsync(input, step, unit, PurgeCounts(1, lines.Count, ids.Count, 1), ct, Touch).ConfigureAwait(false);
                    foreach (var id in ids)
                    {
                        await _ledger.ForgetAsync(request.Tenant, id, ct).ConfigureAwait(false);
                    }

                    rewritten = true;
                }, cancellationToken).ConfigureAwait(false);
                if (!rewritten)
                {
                    await _journal.CountOnceAsync(input, step, unit, PurgeCounts(0, 0, 0, 1), cancellationToken, Touch).ConfigureAwait(false);
                }

                await partition.ForgetBlobAsync(blob, cancellationToken).ConfigureAwait(false);
            }
        }

        return await _journal.RecordAsync(input, step, PurgeCounts(0, 0, 0, 0), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Raw events are not encrypted with per-subject keys in this pipeline, so there is no key to destroy: the raw
    /// archive is physically purged instead. The step is recorded so the certificate says so.
    /// </summary>
    public Task<StepResult> ShredKeysAsync(WorkflowInput input, CancellationToken cancellationToken) =>
        _journal.RecordCheckAsync(input, "shred-keys", new() { ["keysDestroyed"] = 0 },
            "Not applicable: raw data is not encrypted per subject; it was purged from every blob instead.", cancellationToken);

    /// <summary>Reads again everything the erasure touched and looks for the person's records and identifiers.</summary>
    public async Task<VerificationResult> VerifyAsync(WorkflowInput input, CancellationToken cancellationToken)
    {
        var request = await _journal.LoadAsync(input, cancellationToken).ConfigureAwait(false);
        var matcher = ErasureMatch.For(request, _pipeline.Options);
        var findings = new List<string>();
        long checkedItems = 0;
        foreach (var subject in request.Subjects ?? [])
        {
            var partition = new CustomerPartition(Storage.Customers, request.Tenant, subject);
            findings.AddRange((await partition.RowKeysAsync(cancellationToken).ConfigureAwait(false))
                .Select(key => $"A {CustomerPartition.KindOf(key)} row is left in the customer views."));
            checkedItems++;
        }

        if ((await _identities.RowsOfAsync(request.Tenant, PersonKeys.All(_pipeline.Pseudonymizer, request), request.Subjects ?? [], cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            findings.Add("An identity lookup row is left.");
        }

        foreach (var touched in request.TouchedBlobs)
        {
            var slash = touched.IndexOf('/', StringComparison.Ordinal);
            var container = Storage.Blobs.GetBlobContainerClient(touched[..slash]);
            var blob = container.GetBlobClient(touched[(slash + 1)..]);
            if (await BlobVersionCheck.EarlierVersionsAsync(container, blob.Name, cancellationToken).ConfigureAwait(false) > 0)
            {
                findings.Add($"Earlier versions of {touched} keep what was purged: blob versioning must be off on the data account.");
            }

            if (await blob.ExistsAsync(cancellationToken).ConfigureAwait(false))
            {
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
            }

            checkedItems++;
        }

        var result = new VerificationResult(findings.Count == 0, findings, checkedItems);
        await _journal.RecordCheckAsync(input, "verify", new() { ["checked"] = checkedItems, ["findings"] = findings.Count },
            result.Clean ? "Nothing of the person is left in the views, the identity lookups or any blob that held their events." : string.Join(" ", findings),
            cancellationToken).ConfigureAwait(false);
        return result;
    }

    private static Dictionary<string, long> PurgeCounts(long blobsRewritten, long linesRemoved, long ledgerRowsRemoved, long indexRowsRemoved) => new()
    {
        ["blobsRewritten"] = blobsRewritten,
        ["linesRemoved"] = linesRemoved,
        ["ledgerRowsRemoved"] = ledgerRowsRemoved,
        ["indexRowsRemoved"] = indexRowsRemoved,
    };

    private static List<string> EventIdsOf(IReadOnlyList<string> rawLines) =>
        rawLines.Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.GetProperty("id").GetString()!;
        }).Distinct(StringComparer.Ordinal).ToList();
}
