using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Pipeline.Events;

namespace Serverless.Pipeline.Tests.Support;

/// <summary>Builds structured-mode CloudEvents for tests, including the shared samples as mapped events.</summary>
internal static class TestEvents
{
    public const string Tenant = "acme-law";
    public static readonly DateTimeOffset Enqueued = new(2026, 11, 21, 10, 30, 0, TimeSpan.Zero);

    public static byte[] CloudEvent(string id, string type, string subject, string dataJson, string tenant = Tenant,
        string time = "2026-11-21T10:00:00Z", string? dataSchema = null) =>
        Encoding.UTF8.GetBytes(TestCloudEvents.Envelope(id, "test://suite", type, subject, time, tenant, dataJson, dataSchema).ToJsonString());

    public static byte[] PageViewed(string id, string subject, string time = "2026-11-21T10:00:00Z", string tenant = Tenant) =>
        CloudEvent(id, "com.example.portal.page_viewed", subject, """{"path":"/cases/1","session_id":"s-1"}""", tenant, time);

    /// <summary>The intake-lead sample as the ingestion mapping delivers it: the whole body as data.</summary>
    public static byte[] IntakeLead(string id = "LR-2026-118274", string subject = "lead/LR-2026-118274") =>
        CloudEvent(id, "intake.lead.created", subject, File.ReadAllText(RepositoryPaths.Sample("intake-lead.json")), time: "2026-11-20T14:03:11-05:00");

    public static byte[] CrmContactUpdated(string subject = "customer/C-99812") =>
        CloudEvent("evt_01JD3W6ZK4Q8X2M5N7P9R1S3T5", "crm.contact.updated", subject,
            File.ReadAllText(RepositoryPaths.Sample("crm-contact-updated.json")), time: "2025-11-21T09:20:00Z");

    /// <summary>The form sample, decoded to the JSON object the ingestion mapping makes of a urlencoded body.</summary>
    public static byte[] FormSubmission(string subject = "form/7c1e9a52-33f0-4d7e-9a0b-5b4f2f0c9d11")
    {
        var form = File.ReadAllText(RepositoryPaths.Sample("form-submission.urlencoded")).TrimEnd('\n');
        var data = new JsonObject();
        foreach (var pair in form.Split('&'))
        {
            var parts = pair.Split('=', 2);
            data[Uri.UnescapeDataString(parts[0].Replace('+', ' '))] = Uri.UnescapeDataString(parts[1].Replace('+', ' '));
        }

        return CloudEvent("7c1e9a52-33f0-4d7e-9a0b-5b4f2f0c9d11", "forms.submission.created", subject, data.ToJsonString(), time: "2026-11-21T09:15:42Z");
    }

    /// <summary>Each event of the app-activity CloudEvents batch sample, as its own structured-mode event.</summary>
    public static IReadOnlyList<byte[]> AppActivity()
    {
        using var batch = JsonDocument.Parse(File.ReadAllBytes(RepositoryPaths.Sample("app-activity.cloudevents-batch.json")));
        return batch.RootElement.EnumerateArray().Select(e => Encoding.UTF8.GetBytes(e.GetRawText())).ToList();
    }

    public static IReadOnlyList<IncomingEvent> Batch(string partition, long firstSequence, params byte[][] bodies) =>
        bodies.Select((body, i) => new IncomingEvent(body, new StreamPosition(partition, firstSequence + i), Enqueued)).ToList();
}
