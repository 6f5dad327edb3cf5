using static Serverless.Functions.Tests.Parity.ParityCase;

namespace Serverless.Functions.Tests.Parity;

/// <summary>The parity table: every route, with good input and every kind of bad input.</summary>
public static class ParityCases
{
    private const string Lead = """{"lead_id":"L-1","event":"lead.created","created_at":"2026-11-20T14:03:11Z","contact":{"email":"a@b.co"}}""";
    private const string Erasure = """{"tenant":"acme-law","subject":"customer/C-1","reason":"Art. 17(1)(b): consent withdrawn","requester":"ticket #1"}""";

    private static string PortalEvent(string id, string subject) =>
        $$$"""{"specversion":"1.0","id":"{{{id}}}","source":"app://client-portal","type":"com.example.portal.page_viewed","subject":"{{{subject}}}","time":"2026-11-21T10:00:00Z","tenant":"acme-law","data":{"path":"/home","session_id":"s-1"}}""";

    public static IReadOnlyList<ParityCase> All { get; } =
    [
        new("Ingest_SignedJson_Is202", 202, ParityCaller.Nobody, () => StandardWebhook("intake-pro", Lead, "application/json")),
        new("Ingest_BadSignature_Is401", 401, ParityCaller.Nobody, () => StandardWebhook("intake-pro", Lead, "application/json") is var signed
            ? signed with { Headers = new Dictionary<string, string>(signed.Headers) { ["webhook-signature"] = "v1," + Convert.ToBase64String(new byte[32]) } } : signed),
        new("Ingest_Unsigned_Is401", 401, ParityCaller.Nobody, () => Json("POST", "/api/ingest/intake-pro", Lead)),
        new("Ingest_BodyOverOneMegabyte_Is413", 413, ParityCaller.Nobody, () => StandardWebhook("intake-pro", "{\"lead_id\":\"" + new string('x', 1024 * 1024) + "\"}", "application/json")),
        new("Ingest_ContentTypeNoSourceTakes_Is415", 415, ParityCaller.Nobody, () => StandardWebhook("intake-pro", Lead, "text/plain")),
        new("Ingest_ContentTypeOfAnotherSource_Is415", 415, ParityCaller.Nobody, () => StandardWebhook("intake-pro", Lead, "application/x-www-form-urlencoded")),
        new("Ingest_MalformedJson_Is400", 400, ParityCaller.Nobody, () => StandardWebhook("intake-pro", "{\"lead_id\": ", "application/json")),
        new("Ingest_DuplicateKey_Is400", 400, ParityCaller.Nobody, () => StandardWebhook("intake-pro",
            """{"lead_id":"L-1","lead_id":"L-2","event":"lead.created","created_at":"2026-11-20T14:03:11Z"}""", "application/json")),
        new("Ingest_DuplicateKeyInMappedPath_Is400", 400, ParityCaller.Nobody, () => HmacWebhook("crm-hub",
            """{"id":"c-1","type":"contact.updated","occurred_at":"2026-11-20T14:03:11Z","data":{"contact_id":"C-1","contact_id":"C-2"}}""", "application/json")),
        new("Ingest_DuplicateKeyInOneEventOfABatch_AcceptsTheOthers", 202, ParityCaller.Nobody, () => StandardWebhook("client-portal",
            "[" + PortalEvent("p-1", "customer/1") + "," + PortalEvent("p-2", "customer/2").Replace("\"id\":\"p-2\"", "\"id\":\"p-2\",\"id\":\"p-3\"", StringComparison.Ordinal)
            + "," + PortalEvent("p-4", "customer/4") + "]", "application/cloudevents-batch+json")),
        new("Ingest_DuplicateKeyInTheOnlyEventOfABatch_Is422", 422, ParityCaller.Nobody, () => StandardWebhook("client-portal",
            "[" + PortalEvent("p-5", "customer/5").Replace("\"subject\":", "\"subject\":\"customer/6\",\"subject\":", StringComparison.Ordinal) + "]", "application/cloudevents-batch+json")),
        new("Ingest_UnknownSource_Is404", 404, ParityCaller.Nobody, () => StandardWebhook("nobody", Lead, "application/json")),
        new("Ingest_NoMappedId_Is422", 422, ParityCaller.Nobody, () => StandardWebhook("intake-pro", """{"event":"lead.created","created_at":"2026-11-20T14:03:11Z"}""", "application/json")),
        new("Health_Is200", 200, ParityCaller.Nobody, () => Json("GET", "/api/health"), ["status"]),

        new("Privacy_NoCaller_Is401", 401, ParityCaller.Nobody, () => Json("POST", "/api/privacy/erasures", Erasure)),
        new("Privacy_WrongRole_Is403", 403, ParityCaller.Analyst, () => Json("GET", "/api/privacy/erasures")),
        new("Privacy_CreateErasure_Is202WithLocation", 202, ParityCaller.ComplianceOfficer, () => Json("POST", "/api/privacy/erasures", Erasure, idempotencyKey: Guid.NewGuid().ToString())),
        new("Privacy_CreateExport_Is202WithLocation", 202, ParityCaller.ComplianceOfficer, () => Json("POST", "/api/privacy/exports",
            """{"tenant":"acme-law","subject":"customer/C-1","requester":"ticket #2"}""", idempotencyKey: Guid.NewGuid().ToString())),
        new("Privacy_BodyOver64KiB_Is413", 413, ParityCaller.ComplianceOfficer, () => Json("POST", "/api/privacy/erasures",
            Erasure.Replace("ticket #1", new string('x', 64 * 1024), StringComparison.Ordinal))),
        new("Privacy_NotJson_Is415", 415, ParityCaller.ComplianceOfficer, () => Json("POST", "/api/privacy/erasures", "tenant=acme-law", "application/x-www-form-urlencoded")),
        new("Privacy_MalformedJson_Is400", 400, ParityCaller.ComplianceOfficer, () => Json("POST", "/api/privacy/erasures", "{\"tenant\":")),
        new("Privacy_DuplicateKey_Is400", 400, ParityCaller.ComplianceOfficer, () => Json("POST", "/api/privacy/exports",
            """{"tenant":"acme-law","subject":"customer/C-1","subject":"customer/C-2","requester":"ticket #3"}""")),
        new("Privacy_NoIdentifier_Is422", 422, ParityCaller.ComplianceOfficer, () => Json("POST", "/api/privacy/erasures", """{"tenant":"acme-law","reason":"x","requester":"y"}""")),
        new("Privacy_UnknownErasure_Is404", 404, ParityCaller.ComplianceOfficer, () => Json("GET", "/api/privacy/erasures/er_nope")),
        new("Privacy_UnknownExport_Is404", 404, ParityCaller.ComplianceOfficer, () => Json("GET", "/api/privacy/exports/ex_nope")),
        new("Privacy_ApproveUnknown_Is404", 404, ParityCaller.ComplianceOfficer, () => Json("POST", "/api/privacy/erasures/er_nope/approve")),
        new("Privacy_CancelUnknown_Is404", 404, ParityCaller.ComplianceOfficer, () => Json("POST", "/api/privacy/erasures/er_nope/cancel")),
        new("Privacy_ListUnknownStatus_Is400", 400, ParityCaller.ComplianceOfficer, () => Json("GET", "/api/privacy/erasures?status=Nope")),
        new("Privacy_VerifyAudit_Is200", 200, ParityCaller.ComplianceOfficer, () => Json("GET", "/api/privacy/audit/acme-law/verify")),
        new("Privacy_VerifyAuditBadTenant_Is400", 400, ParityCaller.ComplianceOfficer, () => Json("GET", "/api/privacy/audit/Bad_Tenant/verify")),
    ];

    public static TheoryData<string> Names => [.. All.Select(c => c.Name)];

    public static ParityCase Named(string name) => All.Single(c => c.Name == name);
}
