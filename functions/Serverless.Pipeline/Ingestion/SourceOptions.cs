namespace Serverless.Pipeline.Ingestion;

/// <summary>How a source's bodies become CloudEvents.</summary>
public enum SourceFormat
{
    /// <summary>A JSON object mapped by <see cref="SourceMapping"/>.</summary>
    Json,

    /// <summary>An <c>application/x-www-form-urlencoded</c> form, mapped like JSON after decoding to an object of strings.</summary>
    Form,

    /// <summary>CloudEvents 1.0: structured mode, or a JSON batch (<c>application/cloudevents-batch+json</c>).</summary>
    CloudEvents,
}

/// <summary>How a source signs its requests.</summary>
public enum SignatureScheme
{
    /// <summary>Standard Webhooks: <c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature: v1,&lt;base64&gt;</c>.</summary>
    StandardWebhooks,

    /// <summary>HMAC-SHA256 of the body as <c>sha256=&lt;hex&gt;</c> in a configurable header.</summary>
    HmacSha256,
}

/// <summary>One configured webhook source (an item of <c>Pipeline:Sources</c>; see <see cref="SourceConfiguration"/>).</summary>
public sealed class SourceOptions
{
    /// <summary>
    /// The source's name, which is its route (<c>/api/ingest/{name}</c>) in both hosts. Required in the list form; in
    /// the keyed form it defaults to the key, so a name an app setting cannot hold (<c>crm-hub</c>) can still be given.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>The tenant every event of this source belongs to.</summary>
    public string Tenant { get; set; } = string.Empty;

    public SourceFormat Format { get; set; } = SourceFormat.Json;

    public SignatureScheme Signature { get; set; } = SignatureScheme.StandardWebhooks;

    /// <summary>
    /// Signing secrets; several may be valid at once while a key rotates. Standard Webhooks secrets are
    /// <c>whsec_</c> + base64; HMAC secrets are UTF-8 text. In Azure they come from Key Vault.
    /// </summary>
    public List<string> Secrets { get; init; } = [];

    /// <summary>The header that carries <c>sha256=&lt;hex&gt;</c> for <see cref="SignatureScheme.HmacSha256"/>.</summary>
    public string SignatureHeader { get; set; } = "X-Signature-256";

    /// <summary>A header with a unique delivery id, for replay protection under <see cref="SignatureScheme.HmacSha256"/>.</summary>
    public string? DeliveryIdHeader { get; set; }

    /// <summary>How far a Standard Webhooks timestamp may be from now.</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The CloudEvents <c>source</c> attribute given to mapped events.</summary>
    public string? EventSource { get; set; }

    public SourceMapping Mapping { get; set; } = new();
}

/// <summary>Which fields of a JSON or form body give the CloudEvents attributes; the whole body becomes <c>data</c>.</summary>
public sealed class SourceMapping
{
    /// <summary>Dotted path of the event id, e.g. <c>lead_id</c>.</summary>
    public string IdPath { get; set; } = "id";

    /// <summary>A fixed event type; when empty, <see cref="TypePath"/> is read and prefixed with <see cref="TypePrefix"/>.</summary>
    public string? Type { get; set; }

    public string? TypePath { get; set; }

    public string TypePrefix { get; set; } = string.Empty;

    /// <summary>Dotted path of the event time (ISO-8601 or epoch seconds); the time of receipt when absent.</summary>
    public string? TimePath { get; set; }

    /// <summary>Dotted path of the customer id, e.g. <c>data.contact_id</c>.</summary>
    public string SubjectPath { get; set; } = "subject";

    /// <summary>Prefix of the subject, e.g. <c>customer/</c>.</summary>
    public string SubjectPrefix { get; set; } = string.Empty;
}
