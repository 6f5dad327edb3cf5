using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Normalization;
using Serverless.Pipeline.Privacy.Audit;
using Serverless.Pipeline.Privacy.Requests;
using Serverless.Pipeline.Privacy.Workflows;
using Serverless.Pipeline.Storage;

namespace Serverless.Pipeline.Privacy.Api;

/// <summary>
/// The privacy API, the same in both hosts (which authenticate the caller and check the compliance role first):
/// register erasures and exports, read and list them, approve (four eyes) and cancel erasures, verify the audit chain.
/// </summary>
public sealed class PrivacyApi
{
    // A repeated key makes a body ambiguous: refused as malformed, as at ingestion.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { AllowDuplicateProperties = false };
    private readonly PrivacyRequestStore _requests;
    private readonly IWorkflowStarter _workflows;
    private readonly PipelineStorage _storage;
    private readonly AuditLog _audit;
    private readonly PipelineOptions _options;
    private readonly TimeProvider _time;

    public PrivacyApi(PrivacyRequestStore requests, AuditLog audit, IWorkflowStarter workflows, PipelineStorage storage, PipelineOptions options, TimeProvider time)
    {
        _requests = requests;
        _audit = audit;
        _workflows = workflows;
        _storage = storage;
        _options = options;
        _time = time;
    }

    public async Task<ApiResponse> CreateAsync(string kind, Caller caller, string? contentType, ReadOnlyMemory<byte> body, string? idempotencyKey,
        string routePrefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (contentType is null || !contentType.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return ApiResponse.Refuse(415, "unsupported-media-type", "Unsupported content type", "Send the request as application/json.");
        }

        PrivacyRequestBody? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<PrivacyRequestBody>(body.Span, Json);
        }
        catch (JsonException ex)
        {
            return ApiResponse.Refuse(400, "malformed-body", "Malformed body", "The body is not a valid JSON object: " + ex.Message);
        }

        if (parsed is null)
        {
            return ApiResponse.Refuse(400, "malformed-body", "Malformed body", "The body is empty.");
        }

        var (identifiers, errors) = Validate(kind, parsed);
        if (errors.Count > 0)
        {
            return ApiResponse.Of(new Problems.Problem
            {
                Type = "urn:serverless-pipeline:problem:invalid-request",
                Title = "Invalid request",
                Status = 422,
                Detail = string.Join(" ", errors),
            });
        }

        var now = _time.GetUtcNow();
        var tenant = parsed.Tenant!;
        var request = new PrivacyRequest
        {
            Id = RequestId(kind, tenant, idempotencyKey),
            Kind = kind,
            Tenant = tenant,
            Status = RequestStatus.Registered,
            Reason = parsed.Reason?.Trim(),
            Requester = parsed.Requester!.Trim(),
            SubmittedBy = caller.Name,
            RequiresApproval = kind == RequestKinds.Erasure && _options.TenantOrDefault(tenant).RequireFourEyes,
            CreatedAt = now,
            DueAt = now.AddMonths(1), // GDPR Art. 12(3): without undue delay, at the latest within one month.
            Identifiers = identifiers,
        };
        var (stored, _) = await _requests.CreateAsync(request, cancellationToken).ConfigureAwait(false);
        var workflow = kind == RequestKinds.Erasure ? WorkflowNames.ErasureWorkflow : WorkflowNames.ExportWorkflow;
        await _workflows.StartAsync(workflow, stored.Id, new WorkflowInput(kind, stored.Id), cancellationToken).ConfigureAwait(false);
        var location = $"{routePrefix}/{stored.Id}";
        return new ApiResponse(202, new JsonObject { ["id"] = stored.Id, ["status"] = stored.Status, ["statusUrl"] = location }, Location: location);
    }

    public async Task<ApiResponse> GetAsync(string kind, string id, CancellationToken cancellationToken)
    {
        var request = await _requests.GetAsync(kind, id, cancellationToken).ConfigureAwait(false);
        return request is null ? NotFound(kind, id) : new ApiResponse(200, await ViewAsync(request, cancellationToken).ConfigureAwait(false));
    }

    public async Task<ApiResponse> ListAsync(string kind, string? status, CancellationToken cancellationToken)
    {
        if (status is not null && !KnownStatuses.Contains(status, StringComparer.OrdinalIgnoreCase))
        {
            return ApiResponse.Refuse(400, "unknown-status", "Unknown status", $"status must be one of: {string.Join(", ", KnownStatuses)}.");
        }

        var items = new JsonArray();
        foreach (var request in await _requests.ListAsync(kind, status, cancellationToken).ConfigureAwait(false))
        {
            items.Add(await ViewAsync(request, cancellationToken).ConfigureAwait(false));
        }

        return new ApiResponse(200, new JsonObject { ["items"] = items });
    }

    public async Task<ApiResponse> ApproveAsync(string id, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var request = await _requests.GetAsync(RequestKinds.Erasure, id, cancellationToken).ConfigureAwait(false);
        if (request is null)
        {
            return NotFound(RequestKinds.Erasure, id);
        }

        if (request.Status != RequestStatus.AwaitingApproval)
        {
            return ApiResponse.Refuse(409, "not-awaiting-approval", "Not awaiting approval", $"The request is {request.Status}; only a request awaiting approval can be approved.");
        }

        if (string.Equals(request.SubmittedBy, caller.Name, StringComparison.OrdinalIgnoreCase))
        {
            return ApiResponse.Refuse(409, "four-eyes", "A second person must approve", "Four eyes: the officer who submitted the request cannot also approve it.");
        }

        await _workflows.RaiseEventAsync(id, WorkflowNames.DecisionEvent, new Decision(true, caller.Name), cancellationToken).ConfigureAwait(false);
        return new ApiResponse(202, new JsonObject { ["id"] = id, ["decision"] = "approved", ["by"] = caller.Name });
    }

    public async Task<ApiResponse> CancelAsync(string id, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var request = await _requests.GetAsync(RequestKinds.Erasure, id, cancellationToken).ConfigureAwait(false);
        if (request is null)
        {
            return NotFound(RequestKinds.Erasure, id);
        }

        if (!RequestStatus.IsCancellable(request.Status))
        {
            return ApiResponse.Refuse(409, "not-cancellable", "Cannot cancel", $"The request is {request.Status}: erasure has begun or the request has ended.");
        }

        await _workflows.RaiseEventAsync(id, WorkflowNames.DecisionEvent, new Decision(false, caller.Name), cancellationToken).ConfigureAwait(false);
        return new ApiResponse(202, new JsonObject { ["id"] = id, ["decision"] = "cancelled", ["by"] = caller.Name });
    }

    public async Task<ApiResponse> VerifyAuditAsync(string tenant, CancellationToken cancellationToken)
    {
        if (!EnvelopeParser.IsValidTenant(tenant))
        {
            return ApiResponse.Refuse(400, "invalid-tenant", "Invalid tenant", "A tenant is 1-63 lower-case letters, digits and hyphens.");
        }

        var verification = await _audit.VerifyAsync(tenant, cancellationToken).ConfigureAwait(false);
        return new ApiResponse(200, new JsonObject
        {
            ["tenant"] = tenant,
            ["valid"] = verification.IsValid,
            ["records"] = verification.Records,
            ["problems"] = JsonSerializer.SerializeToNode(verification.Problems),
        });
    }

    private static readonly string[] KnownStatuses =
    [
        RequestStatus.Registered, RequestStatus.Suppressed, RequestStatus.AwaitingApproval, RequestStatus.Erasing, RequestStatus.Gathering,
        RequestStatus.Completed, RequestStatus.Cancelled, RequestStatus.Expired, RequestStatus.Failed,
    ];

    private (SubjectIdentifiers Identifiers, List<string> Errors) Validate(string kind, PrivacyRequestBody body)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(body.Tenant) || !EnvelopeParser.IsValidTenant(body.Tenant))
        {
            errors.Add("'tenant' is required: 1-63 lower-case letters, digits and hyphens.");
        }

        if (string.IsNullOrWhiteSpace(body.Requester))
        {
            errors.Add("'requester' is required: who asked for this.");
        }

        if (kind == RequestKinds.Erasure && string.IsNullOrWhiteSpace(body.Reason))
        {
            errors.Add("'reason' is required for an erasure (for example 'Art. 17(1)(b): consent withdrawn').");
        }

        if (string.IsNullOrWhiteSpace(body.Subject) && string.IsNullOrWhiteSpace(body.Email) && string.IsNullOrWhiteSpace(body.Phone))
        {
            errors.Add("Give at least one identifier: 'subject' (the customer id), 'email' or 'phone'.");
        }

        string? email = null;
        if (!string.IsNullOrWhiteSpace(body.Email) && !EmailNormalizer.TryNormalize(body.Email, out email, out var emailError))
        {
            errors.Add("'email': " + emailError);
        }

        string? phone = null;
        if (!string.IsNullOrWhiteSpace(body.Phone) && !PhoneNormalizer.TryNormalize(body.Phone, _options.RegionFor(body.Tenant ?? string.Empty), out phone, out var phoneError))
        {
            errors.Add("'phone': " + phoneError);
        }

        var subject = string.IsNullOrWhiteSpace(body.Subject) ? null : body.Subject.Trim();
        return (new SubjectIdentifiers(subject, email, phone), errors);
    }

    private async Task<JsonObject> ViewAsync(PrivacyRequest request, CancellationToken cancellationToken)
    {
        var view = JsonSerializer.SerializeToNode(request, Json)!.AsObject();
        view["overdue"] = request.IsOverdueAt(_time.GetUtcNow());
        if (request.ExportBlob is not null)
        {
            var link = await ExportLinks.CreateAsync(_storage.Blobs, _storage.Exports.GetBlobClient(request.ExportBlob), _options.ExportLinkLifetime, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            view["download"] = new JsonObject { ["url"] = link.ToString(), ["expiresAt"] = _time.GetUtcNow() + _options.ExportLinkLifetime };
        }

        return view;
    }

    // The same idempotency key always names the same request, so posting it twice starts one workflow.
    private static string RequestId(string kind, string tenant, string? idempotencyKey)
    {
        var prefix = kind == RequestKinds.Erasure ? "er_" : "ex_";
        if (string.IsNullOrWhiteSpace(idempotencyKey))
        {
            return prefix + Guid.NewGuid().ToString("N")[..24];
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(kind + "\n" + tenant + "\n" + idempotencyKey));
        return prefix + Convert.ToHexStringLower(hash)[..24];
    }

    private static ApiResponse NotFound(string kind, string id) =>
        ApiResponse.Refuse(404, "not-found", "Not found", $"No {kind} request '{id}'.");
}
