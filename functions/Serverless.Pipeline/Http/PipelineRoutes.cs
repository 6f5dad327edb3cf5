using Serverless.Pipeline.Ingestion;
using Serverless.Pipeline.Privacy.Api;

namespace Serverless.Pipeline.Http;

/// <summary>
/// The pipeline's HTTP routes, the one table both hosts serve: the local runtime maps its endpoints from it, the
/// Functions app declares one function per entry (a test holds its triggers to this table).
/// </summary>
public static class PipelineRoutes
{
    /// <summary>A privacy request body is a few hundred bytes; anything near this is not one.</summary>
    public const int PrivacyBodyLimit = 64 * 1024;

    // Templates are constants so that the Functions app's [HttpTrigger] attributes can name them.
    public const string IngestTemplate = "ingest/{source}";
    public const string HealthTemplate = "health";
    public const string ErasuresTemplate = "privacy/erasures";
    public const string ErasureTemplate = "privacy/erasures/{id}";
    public const string ApproveErasureTemplate = "privacy/erasures/{id}/approve";
    public const string CancelErasureTemplate = "privacy/erasures/{id}/cancel";
    public const string ExportsTemplate = "privacy/exports";
    public const string ExportTemplate = "privacy/exports/{id}";
    public const string VerifyAuditTemplate = "privacy/audit/{tenant}/verify";

    private static readonly string[] Compliance = [Caller.ComplianceRole];
    private static readonly string[] JsonOnly = [EventMapper.JsonMediaType];

    /// <summary>Every media type some source takes; which one a source takes is checked after its signature.</summary>
    private static readonly string[] WebhookMediaTypes =
        [EventMapper.JsonMediaType, EventMapper.FormMediaType, EventMapper.CloudEventMediaType, EventMapper.CloudEventBatchMediaType];

    public static readonly RouteDefinition Ingest = new("IngestWebhook", "POST", IngestTemplate, [], IngestionLimits.MaxBodyBytes, WebhookMediaTypes);
    public static readonly RouteDefinition Health = new("Health", "GET", HealthTemplate, [], 0, []);
    public static readonly RouteDefinition CreateErasure = new("PrivacyCreateErasure", "POST", ErasuresTemplate, Compliance, PrivacyBodyLimit, JsonOnly);
    public static readonly RouteDefinition ListErasures = new("PrivacyListErasures", "GET", ErasuresTemplate, Compliance, 0, []);
    public static readonly RouteDefinition GetErasure = new("PrivacyGetErasure", "GET", ErasureTemplate, Compliance, 0, []);
    public static readonly RouteDefinition ApproveErasure = new("PrivacyApproveErasure", "POST", ApproveErasureTemplate, Compliance, 0, []);
    public static readonly RouteDefinition CancelErasure = new("PrivacyCancelErasure", "POST", CancelErasureTemplate, Compliance, 0, []);
    public static readonly RouteDefinition CreateExport = new("PrivacyCreateExport", "POST", ExportsTemplate, Compliance, PrivacyBodyLimit, JsonOnly);
    public static readonly RouteDefinition GetExport = new("PrivacyGetExport", "GET", ExportTemplate, Compliance, 0, []);
    public static readonly RouteDefinition VerifyAudit = new("PrivacyVerifyAudit", "GET", VerifyAuditTemplate, Compliance, 0, []);

    public static IReadOnlyList<RouteDefinition> All { get; } =
        [Ingest, Health, CreateErasure, ListErasures, GetErasure, ApproveErasure, CancelErasure, CreateExport, GetExport, VerifyAudit];
}
