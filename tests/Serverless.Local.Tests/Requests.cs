using System.Net.Http.Headers;
using System.Text;
using Serverless.DevKit.Webhooks;

namespace Serverless.Local.Tests;

/// <summary>Builds the requests the tests send: the samples, signed, and raw ones for bad input.</summary>
internal static class Requests
{
    public static byte[] Sample(string name) => File.ReadAllBytes(RepositoryPaths.Sample(name));

    public static HttpRequestMessage Standard(RuntimeFactory runtime, string source, byte[] body, string mediaType, string? webhookId = null, DateTimeOffset? at = null) =>
        WebhookSigner.StandardWebhooks("/api/ingest/" + source, body, mediaType, SampleSecrets.StandardWebhooks,
            webhookId ?? "msg_" + Guid.NewGuid().ToString("N"), at ?? runtime.Clock.Now);

    public static HttpRequestMessage Hmac(string source, byte[] body, string mediaType, string? deliveryId = null) =>
        WebhookSigner.HmacSha256("/api/ingest/" + source, body, mediaType, SampleSecrets.Hmac, "X-Signature-256", "X-Delivery-Id",
            deliveryId ?? "dlv_" + Guid.NewGuid().ToString("N"));

    /// <summary>The intake sample with its published HMAC vector, to the <c>intake-hmac</c> source.</summary>
    public static HttpRequestMessage IntakeLeadHmacVector()
    {
        var request = Unsigned("intake-hmac", Sample("intake-lead.json"), "application/json");
        request.Headers.Add("X-Hub-Signature-256", "sha256=06626f2583460886c611bb60c1813a8438fed804caa9d4f4231cd731a9a4372e");
        return request;
    }

    public static HttpRequestMessage Unsigned(string source, byte[] body, string mediaType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);
        return new HttpRequestMessage(HttpMethod.Post, "/api/ingest/" + source) { Content = content };
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static string PortalEvent(string id, string subject, string type = "com.example.portal.page_viewed", string data = """{"path":"/home","session_id":"s-1"}""") =>
        $$"""{"specversion":"1.0","id":"{{id}}","source":"app://client-portal","type":"{{type}}","subject":"{{subject}}","time":"2026-11-21T10:00:00Z","tenant":"acme-law","data":{{data}}}""";
}
