using System.Text;
using Serverless.DevKit.Webhooks;
using Serverless.Pipeline.Privacy.Api;

namespace Serverless.Functions.Tests.Parity;

/// <summary>Who sends a request: each host proves it its own way (an API key locally, App Service authentication in Azure).</summary>
public enum ParityCaller
{
    Nobody,
    ComplianceOfficer,
    Analyst,
}

/// <summary>One request of the parity table, what both hosts must answer, and which body fields are the host's own.</summary>
/// <param name="ComparedFields">Null: the whole body must be equal; otherwise only these top-level fields (the rest is the host's own). Problems compare type, title and status.</param>
public sealed record ParityCase(string Name, int Status, ParityCaller Caller, Func<HostRequest> Request, IReadOnlyList<string>? ComparedFields = null)
{
    // The local runtime's sample keys (functions/Serverless.Local/appsettings.json).
    private const string ComplianceKey = "local-demo-key-alice-change-me";
    private const string AnalystKey = "local-demo-key-analyst-change-me";

    public HostRequest ForLocal(HostRequest request) => Caller switch
    {
        ParityCaller.ComplianceOfficer => With(request, CallerAuthentication.ApiKeyHeader, ComplianceKey),
        ParityCaller.Analyst => With(request, CallerAuthentication.ApiKeyHeader, AnalystKey),
        _ => request,
    };

    public HostRequest ForFunctions(HostRequest request) => Caller switch
    {
        ParityCaller.ComplianceOfficer => With(request, CallerAuthentication.AppServicePrincipalHeader, HttpInvocation.Principal("dpo-alice", Pipeline.Privacy.Api.Caller.ComplianceRole)),
        ParityCaller.Analyst => With(request, CallerAuthentication.AppServicePrincipalHeader, HttpInvocation.Principal("analyst", "analytics")),
        _ => request,
    };

    public override string ToString() => Name;

    /// <summary>A signed webhook as a sender sends it, reduced to the bytes and headers both hosts receive.</summary>
    public static HostRequest Signed(HttpRequestMessage message)
    {
        var headers = message.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var body = message.Content!.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        return new HostRequest("POST", message.RequestUri!.OriginalString, headers, body, message.Content.Headers.ContentType?.ToString());
    }

    public static HostRequest StandardWebhook(string source, string body, string mediaType) =>
        Signed(WebhookSigner.StandardWebhooks("/api/ingest/" + source, Encoding.UTF8.GetBytes(body), mediaType, SampleSecrets.StandardWebhooks,
            "msg_" + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow));

    public static HostRequest HmacWebhook(string source, string body, string mediaType) =>
        Signed(WebhookSigner.HmacSha256("/api/ingest/" + source, Encoding.UTF8.GetBytes(body), mediaType, SampleSecrets.Hmac, "X-Signature-256", "X-Delivery-Id",
            "dlv_" + Guid.NewGuid().ToString("N")));

    public static HostRequest Json(string method, string path, string? body = null, string contentType = "application/json", string? idempotencyKey = null) =>
        new(method, path, idempotencyKey is null ? [] : new Dictionary<string, string> { ["Idempotency-Key"] = idempotencyKey },
            body is null ? null : Encoding.UTF8.GetBytes(body), body is null ? null : contentType);

    private static HostRequest With(HostRequest request, string header, string value) =>
        request with { Headers = new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase) { [header] = value } };
}
