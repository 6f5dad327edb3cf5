using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Serverless.Pipeline.Ingestion;

namespace Serverless.DevKit.Webhooks;

/// <summary>Signs requests the way intake tools do, for the demo traffic and the tests.</summary>
public static class WebhookSigner
{
    public static HttpRequestMessage StandardWebhooks(string url, byte[] body, string mediaType, string secret, string webhookId, DateTimeOffset at)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signed = Encoding.UTF8.GetBytes(webhookId + "." + timestamp + ".").Concat(body).ToArray();
        var signature = Convert.ToBase64String(HMACSHA256.HashData(StandardWebhooksVerifier.DecodeSecret(secret), signed));
        var request = Post(url, body, mediaType);
        request.Headers.Add(StandardWebhooksVerifier.IdHeader, webhookId);
        request.Headers.Add(StandardWebhooksVerifier.TimestampHeader, timestamp);
        request.Headers.Add(StandardWebhooksVerifier.SignatureHeader, "v1," + signature);
        return request;
    }

    public static HttpRequestMessage HmacSha256(string url, byte[] body, string mediaType, string secret, string header, string? deliveryHeader, string? deliveryId)
    {
        var request = Post(url, body, mediaType);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        request.Headers.Add(header, "sha256=" + Convert.ToHexStringLower(mac));
        if (deliveryHeader is not null && deliveryId is not null)
        {
            request.Headers.Add(deliveryHeader, deliveryId);
        }

        return request;
    }

    private static HttpRequestMessage Post(string url, byte[] body, string mediaType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);
        return new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
    }
}
