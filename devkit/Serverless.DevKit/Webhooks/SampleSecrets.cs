namespace Serverless.DevKit.Webhooks;

/// <summary>
/// The sample sources' signing secrets, as functions/Serverless.Local/appsettings.json configures them and
/// tests/fixtures/samples/SIGNATURES.md publishes them. Demo values only, never a real source's.
/// </summary>
public static class SampleSecrets
{
    /// <summary>The Standard Webhooks secret (<c>whsec_</c> + base64 of the key) of intake-pro and client-portal.</summary>
    public const string StandardWebhooks = "whsec_c2hhcmVkLXNhbXBsZXMtZGVtby1zZWNyZXQtMzJieXQ=";

    /// <summary>The HMAC-SHA256 secret (its UTF-8 bytes are the key) of formflow and crm-hub.</summary>
    public const string Hmac = "per-source-hmac-secret";
}
