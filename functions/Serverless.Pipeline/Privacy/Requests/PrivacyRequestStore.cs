using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using Serverless.Pipeline.Telemetry;

namespace Serverless.Pipeline.Privacy.Requests;

/// <summary>
/// Privacy requests in Table storage (partition: kind, row: id); updates are ETag-guarded read-modify-writes. Every
/// change of state that it saves is counted in the privacy metrics, with the request's age.
/// </summary>
public sealed class PrivacyRequestStore
{
    private const int MaxAttempts = 10;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly TableClient _table;
    private readonly TimeProvider _time;

    public PrivacyRequestStore(TableClient table, TimeProvider time)
    {
        _table = table;
        _time = time;
    }

    /// <summary>Creates the request, or returns the one that already has its id (the same idempotency key).</summary>
    public async Task<(PrivacyRequest Request, bool Created)> CreateAsync(PrivacyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            await _table.AddEntityAsync(ToEntity(request), cancellationToken).ConfigureAwait(false);
            PrivacyTelemetry.Entered(request.Kind, request.Status, _time.GetUtcNow() - request.CreatedAt);
            return (request, true);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return ((await GetAsync(request.Kind, request.Id, cancellationToken).ConfigureAwait(false))!, false);
        }
    }

    public async Task<PrivacyRequest?> GetAsync(string kind, string id, CancellationToken cancellationToken)
    {
        var entity = await _table.GetEntityIfExistsAsync<TableEntity>(kind, id, cancellationToken: cancellationToken).ConfigureAwait(false);
        return entity.HasValue ? FromEntity(entity.Value!) : null;
    }

    public async Task<IReadOnlyList<PrivacyRequest>> ListAsync(string kind, string? status, CancellationToken cancellationToken)
    {
        var requests = new List<PrivacyRequest>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(e => e.PartitionKey == kind, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var request = FromEntity(entity);
            if (status is null || string.Equals(request.Status, status, StringComparison.OrdinalIgnoreCase))
            {
                requests.Add(request);
            }
        }

        return requests.OrderBy(r => r.CreatedAt).ToList();
    }

    /// <summary>Applies <paramref name="change"/> to the stored request and saves it; retried when another writer got there first.</summary>
    public async Task<PrivacyRequest> UpdateAsync(string kind, string id, Action<PrivacyRequest> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 1; ; attempt++)
        {
            var entity = (await _table.GetEntityAsync<TableEntity>(kind, id, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            var request = FromEntity(entity);
            var before = request.Status;
            change(request);
            try
            {
                await _table.UpdateEntityAsync(ToEntity(request), entity.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                if (!string.Equals(before, request.Status, StringComparison.Ordinal))
                {
                    PrivacyTelemetry.Entered(request.Kind, request.Status, _time.GetUtcNow() - request.CreatedAt);
                }

                return request;
            }
            catch (RequestFailedException ex) when (ex.Status == 412 && attempt < MaxAttempts)
            {
                // Changed since we read it: read again.
            }
        }
    }

    private static TableEntity ToEntity(PrivacyRequest r) => new(r.Kind, r.Id)
    {
        ["Tenant"] = r.Tenant,
        ["Status"] = r.Status,
        ["Reason"] = r.Reason,
        ["Requester"] = r.Requester,
        ["SubmittedBy"] = r.SubmittedBy,
        ["RequiresApproval"] = r.RequiresApproval,
        ["ApprovedBy"] = r.ApprovedBy,
        ["CreatedAt"] = r.CreatedAt,
        ["DueAt"] = r.DueAt,
        ["CompletedAt"] = r.CompletedAt,
        ["Identifiers"] = r.Identifiers is null ? null : JsonSerializer.Serialize(r.Identifiers, Json),
        ["Subjects"] = r.Subjects is null ? null : JsonSerializer.Serialize(r.Subjects, Json),
        ["TouchedBlobs"] = JsonSerializer.Serialize(r.TouchedBlobs, Json),
        ["Steps"] = JsonSerializer.Serialize(r.Steps, Json),
        ["Progress"] = r.Progress.Count == 0 ? null : JsonSerializer.Serialize(r.Progress, Json),
        ["Certificate"] = r.Certificate?.ToJsonString(),
        ["ExportBlob"] = r.ExportBlob,
        ["Error"] = r.Error,
    };

    private static PrivacyRequest FromEntity(TableEntity e) => new()
    {
        Id = e.RowKey,
        Kind = e.PartitionKey,
        Tenant = e.GetString("Tenant"),
        Status = e.GetString("Status"),
        Reason = e.GetString("Reason"),
        Requester = e.GetString("Requester"),
        SubmittedBy = e.GetString("SubmittedBy"),
        RequiresApproval = e.GetBoolean("RequiresApproval") ?? false,
        ApprovedBy = e.GetString("ApprovedBy"),
        CreatedAt = e.GetDateTimeOffset("CreatedAt")!.Value,
        DueAt = e.GetDateTimeOffset("DueAt")!.Value,
        CompletedAt = e.GetDateTimeOffset("CompletedAt"),
        Identifiers = e.GetString("Identifiers") is { } identifiers ? JsonSerializer.Deserialize<SubjectIdentifiers>(identifiers, Json) : null,
        Subjects = e.GetString("Subjects") is { } subjects ? JsonSerializer.Deserialize<List<string>>(subjects, Json) : null,
        TouchedBlobs = e.GetString("TouchedBlobs") is { } touched ? JsonSerializer.Deserialize<List<string>>(touched, Json) ?? [] : [],
        Steps = e.GetString("Steps") is { } steps ? JsonSerializer.Deserialize<List<RequestStep>>(steps, Json) ?? [] : [],
        Progress = e.GetString("Progress") is { } progress
            ? new Dictionary<string, StepProgress>(JsonSerializer.Deserialize<Dictionary<string, StepProgress>>(progress, Json) ?? [], StringComparer.Ordinal)
            : new Dictionary<string, StepProgress>(StringComparer.Ordinal),
        Certificate = e.GetString("Certificate") is { } certificate ? JsonNode.Parse(certificate)!.AsObject() : null,
        ExportBlob = e.GetString("ExportBlob"),
        Error = e.GetString("Error"),
    };
}
