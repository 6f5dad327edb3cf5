using System.Globalization;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Serverless.Pipeline.Storage;

namespace Serverless.Pipeline.Privacy.Audit;

/// <summary>
/// The append-only, tamper-evident audit log: one JSON blob per record (<c>{tenant}/{sequence}.json</c>, created only
/// if absent; the container is immutable in Azure), hash-chained, with the tenant's head (last sequence and hash) in
/// Table storage so that a removed last record is detected too. Appends are idempotent per key.
/// </summary>
public sealed class AuditLog
{
    private const int MaxAttempts = 10;
    private readonly BlobContainerClient _records;
    private readonly TableClient _heads;
    private readonly TimeProvider _time;

    public AuditLog(BlobContainerClient records, TableClient heads, TimeProvider time)
    {
        _records = records;
        _heads = heads;
        _time = time;
    }

    public async Task<AuditRecord> AppendAsync(string tenant, string requestId, string action, JsonObject details, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(details);
        var idempotencyKey = TableKeys.Escape(requestId + ":" + action);
        var existing = await _heads.GetEntityIfExistsAsync<TableEntity>("key" + TableKeys.Separator + TableKeys.Escape(tenant), idempotencyKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (existing.HasValue)
        {
            return await ReadAsync(tenant, existing.Value!.GetInt64("Sequence")!.Value, cancellationToken).ConfigureAwait(false);
        }

        // Hash the details in the form they are stored and read back in (typed values such as dates serialize
        // differently from the strings they become), and keep the caller's later changes out of the record.
        details = JsonNode.Parse(details.ToJsonString())!.AsObject();
        for (var attempt = 1; ; attempt++)
        {
            var (lastSequence, lastHash) = await HeadAsync(tenant, cancellationToken).ConfigureAwait(false);
            var sequence = lastSequence + 1;
            var at = _time.GetUtcNow();
            var record = new AuditRecord(sequence, tenant, requestId, action, at, details, lastHash,
                AuditRecord.ComputeHash(sequence, tenant, requestId, action, at, details, lastHash));
            try
            {
                await _records.GetBlobClient(BlobName(tenant, sequence)).UploadAsync(BinaryData.FromString(record.ToJson().ToJsonString()),
                    new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All }, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status == 409 && attempt < MaxAttempts)
            {
                continue; // Another writer took this sequence number: read the head again.
            }

            await _heads.UpsertEntityAsync(new TableEntity("head", TableKeys.Escape(tenant)) { ["Sequence"] = sequence, ["Hash"] = record.Hash },
                TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            await _heads.UpsertEntityAsync(new TableEntity("key" + TableKeys.Separator + TableKeys.Escape(tenant), idempotencyKey) { ["Sequence"] = sequence },
                TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return record;
        }
    }

    /// <summary>Checks every record's hash, the links between them, the numbering, and the head.</summary>
    public async Task<AuditVerification> VerifyAsync(string tenant, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var expectedSequence = 1L;
        var previousHash = AuditRecord.GenesisHash;
        await foreach (var item in _records.GetBlobsAsync(BlobTraits.None, BlobStates.None, tenant + "/", cancellationToken).ConfigureAwait(false))
        {
            var record = await ReadBlobAsync(item.Name, cancellationToken).ConfigureAwait(false);
            if (record.Sequence != expectedSequence)
            {
                problems.Add($"Record {expectedSequence} is missing (found {record.Sequence} next).");
            }

            if (!record.HashIsValid)
            {
                problems.Add($"Record {record.Sequence} was altered: its hash does not match its content.");
            }

            if (record.PreviousHash != previousHash)
            {
                problems.Add($"Record {record.Sequence} does not link to the record before it.");
            }

            expectedSequence = record.Sequence + 1;
            previousHash = record.Hash;
        }

        var (headSequence, headHash) = await HeadAsync(tenant, cancellationToken).ConfigureAwait(false);
        if (headSequence != expectedSequence - 1 || headHash != previousHash)
        {
            problems.Add($"The chain ends at record {expectedSequence - 1} but the head says {headSequence}: records were removed from the end.");
        }

        return new AuditVerification(problems.Count == 0, expectedSequence - 1, problems);
    }

    public static string BlobName(string tenant, long sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{tenant}/{sequence:D19}.json");

    private async Task<(long Sequence, string Hash)> HeadAsync(string tenant, CancellationToken cancellationToken)
    {
        var head = await _heads.GetEntityIfExistsAsync<TableEntity>("head", TableKeys.Escape(tenant), cancellationToken: cancellationToken).ConfigureAwait(false);
        return head.HasValue ? (head.Value!.GetInt64("Sequence")!.Value, head.Value.GetString("Hash")) : (0, AuditRecord.GenesisHash);
    }

    private Task<AuditRecord> ReadAsync(string tenant, long sequence, CancellationToken cancellationToken) =>
        ReadBlobAsync(BlobName(tenant, sequence), cancellationToken);

    private async Task<AuditRecord> ReadBlobAsync(string name, CancellationToken cancellationToken)
    {
        var content = await _records.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
        return AuditRecord.FromJson(JsonNode.Parse(content.Value.Content.ToString())!.AsObject());
    }
}
