using System.Text.Json.Serialization;

namespace Serverless.Pipeline.Privacy.Api;

/// <summary>The body of <c>POST /api/privacy/erasures</c> and <c>/exports</c>.</summary>
public sealed class PrivacyRequestBody
{
    [JsonPropertyName("tenant")] public string? Tenant { get; init; }

    /// <summary>The customer id as the pipeline knows it (the CloudEvents subject, e.g. <c>customer/C-99812</c>).</summary>
    [JsonPropertyName("subject")] public string? Subject { get; init; }

    [JsonPropertyName("email")] public string? Email { get; init; }
    [JsonPropertyName("phone")] public string? Phone { get; init; }
    [JsonPropertyName("reason")] public string? Reason { get; init; }

    /// <summary>Who asked: the data subject, their representative, a ticket.</summary>
    [JsonPropertyName("requester")] public string? Requester { get; init; }
}
