using Serverless.DevKit.Webhooks;

namespace Serverless.DevKit.Traffic;

/// <summary>One request of the synthetic traffic: which source, its body and media type, and how it is signed.</summary>
public sealed record SyntheticRequest(string Source, byte[] Body, string MediaType, bool BadSignature, string DeliveryId, int Events)
{
    /// <summary>The request to POST to the runtime, signed as the source signs (or wrongly, when it is meant to be refused).</summary>
    public HttpRequestMessage Sign(DateTimeOffset at)
    {
        var url = "/api/ingest/" + Source;
        var secret = BadSignature ? "whsec_" + Convert.ToBase64String(new byte[32]) : SampleSecrets.StandardWebhooks;
        return Source is "intake-pro" or "client-portal"
            ? WebhookSigner.StandardWebhooks(url, Body, MediaType, secret, DeliveryId, at)
            : WebhookSigner.HmacSha256(url, Body, MediaType, BadSignature ? "wrong" : SampleSecrets.Hmac, "X-Signature-256", "X-Delivery-Id", DeliveryId);
    }
}
