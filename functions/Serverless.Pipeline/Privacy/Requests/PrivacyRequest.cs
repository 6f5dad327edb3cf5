using System.Text.Json.Serialization;

namespace Serverless.Pipeline.Privacy.Requests;

public static class RequestKinds
{
    public const string Erasure = "erasure";
    public const string Export = "export";
}

/// <summary>Where a request stands. Terminal: Completed, Cancelled, Expired, Failed.</summary>
public static class RequestStatus
{
    public const string Registered = "Registered";
    public const string Suppressed = "Suppressed";
    public const string AwaitingApproval = "AwaitingApproval";
    public const string Erasing = "Erasing";
    public const string Gathering = "Gathering";
    public const string Completed = "Completed";
    public const string Cancelled = "Cancelled";
    public const string Expired = "Expired";
    public const string Failed = "Failed";

    public static bool IsTerminal(string status) => status is Completed or Cancelled or Expired or Failed;

    /// <summary>Before anything is deleted, a request may still be cancelled.</summary>
    public static bool IsCancellable(string status) => status is Registered or Suppressed or AwaitingApproval;
}

/// <summary>The identifiers a compliance officer gives, normalized as at ingestion.</summary>
public sealed record SubjectIdentifiers(
    [property: JsonPropertyName("subject")] string? Subject,
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("phone")] string? Phone);

/// <summary>One step of a request, as the status API shows it.</summary>
public sealed record RequestStep(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("counts")] IReadOnlyDictionary<string, long> Counts,
    [property: JsonPropertyName("detail")] string? Detail);

/// <summary>
/// A running step's counts, by unit of work (a blob, a customer record): each unit is counted once, before it is
/// done, so a rerun of the step neither counts it again nor loses it.
/// </summary>
public sealed class StepProgress
{
    [JsonPropertyName("units")] public List<string> Units { get; init; } = [];
    [JsonPropertyName("counts")] public Dictionary<string, long> Counts { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>An erasure or export request as stored and as the status API returns it.</summary>
public sealed class PrivacyRequest
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("kind")] public required string Kind { get; init; }
    [JsonPropertyName("tenant")] public required string Tenant { get; init; }
    [JsonPropertyName("status")] public required string Status { get; set; }
    [JsonPropertyName("reason")] public string? Reason { get; init; }
    [JsonPropertyName("requester")] public required string Requester { get; init; }

    /// <summary>The authenticated caller who posted the request; four eyes means someone else approves.</summary>
    [JsonPropertyName("submittedBy")] public required string SubmittedBy { get; init; }
    [JsonPropertyName("requiresApproval")] public bool RequiresApproval { get; init; }
    [JsonPropertyName("approvedBy")] public string? ApprovedBy { get; set; }
    [JsonPropertyName("createdAt")] public required DateTimeOffset CreatedAt { get; init; }
    [JsonPropertyName("dueAt")] public required DateTimeOffset DueAt { get; init; }
    [JsonPropertyName("completedAt")] public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The identifiers, kept only while the request runs; cleared when it ends.</summary>
    [JsonIgnore] public SubjectIdentifiers? Identifiers { get; set; }

    /// <summary>Every customer record found for the person, kept only while the request runs.</summary>
    [JsonIgnore] public List<string>? Subjects { get; set; }

    /// <summary>Blobs the erasure rewrote or deleted; verification reads them again.</summary>
    [JsonIgnore] public List<string> TouchedBlobs { get; init; } = [];

    /// <summary>What the running step has counted so far, so that a step resumed after a crash reports the whole step.</summary>
    [JsonIgnore] public Dictionary<string, StepProgress> Progress { get; init; } = new(StringComparer.Ordinal);

    [JsonPropertyName("steps")] public List<RequestStep> Steps { get; init; } = [];
    [JsonPropertyName("certificate")] public System.Text.Json.Nodes.JsonObject? Certificate { get; set; }
    [JsonPropertyName("exportBlob")] public string? ExportBlob { get; set; }
    [JsonPropertyName("error")] public string? Error { get; set; }

    /// <summary>Forgets the person's identifiers, customer records and step progress: what a finished request must not keep.</summary>
    public void ForgetPerson()
    {
        Identifiers = null;
        Subjects = null;
        Progress.Clear();
    }

    public bool IsOverdueAt(DateTimeOffset now) => !RequestStatus.IsTerminal(Status) && now > DueAt;
}
