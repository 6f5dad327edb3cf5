namespace Serverless.Functions.Tests;

/// <summary>
/// Structured-mode CloudEvents as the ingestion stage writes them to Event Hubs: a few customers of acme-law, one of
/// whom (customer/C-7, who is also lead/LT-1 by email) is the person a privacy request is about.
/// </summary>
internal static class CustomerEvents
{
    public const string TargetEmail = "targetina.erasmus@example.com";

    /// <summary>Everything that names the person, as it could appear in storage.</summary>
    public static readonly string[] PersonNeedles = ["customer/C-7", "C-7|", "C-7%", TargetEmail, "6175550199", "Targetina", "Erasmus", "LT-1", "crm-7"];

    /// <summary>Two page views each for C-6, C-7 and C-8; a bad event of C-7; the person's lead and CRM update; another lead.</summary>
    public static IReadOnlyList<string> Population() =>
    [
        .. new[] { 6, 7, 8 }.SelectMany(c => new[] { PageViewed($"c{c}-e0", $"customer/C-{c}"), PageViewed($"c{c}-e1", $"customer/C-{c}") }),
        PageViewed("c7-bad", "customer/C-7", """{"path":"nope"}"""),
        Event("LT-1", "intake.lead.created", "lead/LT-1", "2026-11-20T14:03:11Z",
            $$$"""{"event":"lead.created","lead_id":"LT-1","created_at":"2026-11-20T14:03:11Z","contact":{"first_name":"Targetina","last_name":"Erasmus","email":" {{{TargetEmail}}} ","phone":"(617) 555-0199"}}"""),
        Event("crm-7", "crm.contact.updated", "customer/C-7", "2025-11-21T09:20:00Z",
            """{"type":"contact.updated","id":"crm-7","occurred_at":1763716800,"data":{"contact_id":"C-7","changes":{"email":{"to":""" + $"\"{TargetEmail}\"" + "}}}}"),
        Event("LR-OTHER", "intake.lead.created", "lead/LR-OTHER", "2026-11-20T14:03:11Z",
            """{"event":"lead.created","lead_id":"LR-OTHER","created_at":"2026-11-20T14:03:11Z","contact":{"first_name":"Other","last_name":"Person","email":"other@example.com"}}"""),
    ];

    public static string PageViewed(string id, string subject, string data = """{"path":"/home","session_id":"s-1"}""") =>
        Event(id, "com.example.portal.page_viewed", subject, "2026-11-21T10:00:00Z", data);

    /// <summary>A form submission of paris-avocats, the tenant that requires four eyes.</summary>
    public static string FormSubmission(string submissionId) =>
        Event(submissionId, "forms.submission.created", "form/" + submissionId, "2026-11-21T09:15:42Z",
            $$"""{"form_id":"f","submission_id":"{{submissionId}}","email":"{{submissionId}}@example.fr"}""", "paris-avocats");

    public static string Event(string id, string type, string subject, string time, string dataJson, string tenant = "acme-law") =>
        TestCloudEvents.Envelope(id, "test://functions", type, subject, time, tenant, dataJson).ToJsonString();
}
