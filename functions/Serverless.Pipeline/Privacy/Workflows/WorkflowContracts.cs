using System.Text.Json.Serialization;
using Serverless.Pipeline.Keys;

namespace Serverless.Pipeline.Privacy.Workflows;

/// <summary>The input of both workflows: which request, of which kind.</summary>
public sealed record WorkflowInput(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("requestId")] string RequestId);

/// <summary>What registration found: the person's join keys, every customer record they have, and the tenant's rules.</summary>
public sealed record Registration(
    [property: JsonPropertyName("keys")] SubjectKeys Keys,
    [property: JsonPropertyName("subjectCount")] int SubjectCount,
    [property: JsonPropertyName("requiresApproval")] bool RequiresApproval,
    [property: JsonPropertyName("approvalTimeout")] TimeSpan ApprovalTimeout);

/// <summary>The suppression step's result: from when no event of the person can be stored any more.</summary>
public sealed record SuppressionResult([property: JsonPropertyName("effectiveAt")] DateTimeOffset EffectiveAt);

/// <summary>A compliance officer's decision while a request waits: approve (four eyes) or cancel.</summary>
public sealed record Decision(
    [property: JsonPropertyName("approve")] bool Approve,
    [property: JsonPropertyName("by")] string By);

/// <summary>What one step did, counted.</summary>
public sealed record StepResult(
    [property: JsonPropertyName("step")] string Step,
    [property: JsonPropertyName("counts")] IReadOnlyDictionary<string, long> Counts);

/// <summary>Whether anything of the person is left where the pipeline keeps data.</summary>
public sealed record VerificationResult(
    [property: JsonPropertyName("clean")] bool Clean,
    [property: JsonPropertyName("findings")] IReadOnlyList<string> Findings,
    [property: JsonPropertyName("checked")] long Checked);

/// <summary>How a request ended, with its final status.</summary>
public sealed record WorkflowOutcome(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("detail")] string? Detail);

/// <summary>Input of the status and close activities.</summary>
public sealed record StatusChange(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("requestId")] string RequestId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("detail")] string? Detail,
    [property: JsonPropertyName("by")] string? By);
