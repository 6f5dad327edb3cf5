using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Serverless.Benchmarks;

/// <summary>
/// Structured-mode CloudEvents for the processing benchmarks: about 1 KB leads like those the intake tools send, each
/// with its own contact details, and a realistic mix of them with the portal's app activity and CRM changes.
/// </summary>
internal static class SyntheticEvents
{
    private static readonly string[] Pages = ["/cases/88231/documents", "/cases/88231", "/messages", "/billing/invoices", "/profile", "/cases/77120/timeline"];
    private static readonly string[] Referrers = ["https://www.google.com/", "https://portal.acme-law.example/cases", "https://t.co/x1", "android-app://com.google.android.gm/"];
    private static readonly string[] DocumentKinds = ["medical_record", "police_report", "invoice", "correspondence"];

    /// <summary>
    /// The demo's mix: 80 % app activity (page views, then document uploads and messages), 15 % new leads and 5 % CRM
    /// contact changes, in a seeded order.
    /// </summary>
    public static byte[][] CreateMix(int count)
    {
        var random = new Random(7);
        var leads = Create(count);
        var events = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var draw = random.Next(100);
            events[i] = draw switch
            {
                < 60 => AppEvent(i, "com.example.portal.page_viewed", new JsonObject
                {
                    ["path"] = Pages[random.Next(Pages.Length)],
                    ["referrer"] = Referrers[random.Next(Referrers.Length)],
                    ["session_id"] = "s-" + random.Next(100_000).ToString(CultureInfo.InvariantCulture),
                }),
                < 70 => AppEvent(i, "com.example.portal.document_uploaded", new JsonObject
                {
                    ["case_id"] = "88231",
                    ["document_kind"] = DocumentKinds[random.Next(DocumentKinds.Length)],
                    ["size_bytes"] = random.Next(1_000, 5_000_000),
                    ["session_id"] = "s-" + random.Next(100_000).ToString(CultureInfo.InvariantCulture),
                }),
                < 80 => AppEvent(i, "com.example.portal.message_sent", new JsonObject
                {
                    ["thread_id"] = "t-" + random.Next(1_000).ToString(CultureInfo.InvariantCulture),
                    ["length"] = random.Next(1, 2_000),
                }),
                < 95 => leads[i],
                _ => CrmChange(i, random),
            };
        }

        return events;
    }

    private static byte[] AppEvent(int i, string type, JsonObject data) => Envelope(
        "app-" + i.ToString(CultureInfo.InvariantCulture), "app://client-portal", type, "customer/C-" + (i % 5_000).ToString(CultureInfo.InvariantCulture), data);

    private static byte[] CrmChange(int i, Random random) => Envelope(
        "crm-" + i.ToString(CultureInfo.InvariantCulture), "https://crm.example.com", "crm.contact.updated", "contact/CT-" + (i % 5_000).ToString(CultureInfo.InvariantCulture), new JsonObject
        {
            ["type"] = "contact.updated",
            ["id"] = "evt-" + i.ToString(CultureInfo.InvariantCulture),
            ["occurred_at"] = 1_763_716_800 + i,
            ["account"] = "acme-law",
            ["data"] = new JsonObject
            {
                ["contact_id"] = "CT-" + (i % 5_000).ToString(CultureInfo.InvariantCulture),
                ["changes"] = new JsonObject
                {
                    ["email"] = new JsonObject { ["from"] = null, ["to"] = $"Client{i}@Example.org" },
                    ["phone"] = new JsonObject { ["from"] = null, ["to"] = $"+1 617 555 {random.Next(0, 10000):D4}" },
                },
            },
        });

    private static byte[] Envelope(string id, string source, string type, string subject, JsonObject data) =>
        Encoding.UTF8.GetBytes(new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = id,
            ["source"] = source,
            ["type"] = type,
            ["subject"] = subject,
            ["time"] = "2026-11-21T10:00:01.120Z",
            ["tenant"] = "acme-law",
            ["data"] = data,
        }.ToJsonString());

    private static readonly string[] GivenNames = ["Maria", "Jean-Luc", "Aïsha", "Tomás", "Grace", "Wei", "Olu", "Sanna"];
    private static readonly string[] FamilyNames = ["O'Connor-Nuñez", "Dubois", "Okafor", "Lindqvist", "Nakamura", "García", "Smith", "Novak"];

    public static byte[][] Create(int count)
    {
        var random = new Random(42);
        var events = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var given = GivenNames[random.Next(GivenNames.Length)];
            var family = FamilyNames[random.Next(FamilyNames.Length)];
            var data = new JsonObject
            {
                ["event"] = "lead.created",
                ["lead_id"] = "LR-" + i.ToString(CultureInfo.InvariantCulture),
                ["created_at"] = "2026-11-20T14:03:11-05:00",
                ["firm"] = new JsonObject { ["id"] = "acme-law", ["office"] = "Boston" },
                ["contact"] = new JsonObject
                {
                    ["first_name"] = given,
                    ["last_name"] = family,
                    ["email"] = $"  {given}.{family.Replace("'", "", StringComparison.Ordinal)}{i}@Example.COM ",
                    ["phone"] = $"(617) 555-{random.Next(0, 10000):D4}",
                    ["preferred_language"] = "es",
                    ["consent"] = new JsonObject { ["sms"] = true, ["email"] = false, ["captured_at"] = "2026-11-20T14:02:58-05:00" },
                },
                ["matter"] = new JsonObject
                {
                    ["practice_area"] = "personal_injury",
                    ["incident_date"] = "2026-10-02",
                    ["description"] = "Rear-ended at a red light on Route 9; neck pain since. Seeking advice on a claim.",
                },
                ["marketing"] = new JsonObject { ["utm_source"] = "google", ["utm_medium"] = "cpc", ["utm_campaign"] = "pi-boston-fall", ["landing_page"] = "https://example.com/accident-lawyer?utm_source=google&gclid=Cj0KCQiA" + random.Next().ToString(CultureInfo.InvariantCulture), ["referrer"] = "https://www.google.com/" },
                ["client"] = new JsonObject { ["ip"] = "198.51.100." + random.Next(1, 255).ToString(CultureInfo.InvariantCulture), ["user_agent"] = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15" },
            };
            var envelope = new JsonObject
            {
                ["specversion"] = "1.0",
                ["id"] = "lead-" + i.ToString(CultureInfo.InvariantCulture),
                ["source"] = "https://intake.example.com/webhooks",
                ["type"] = "intake.lead.created",
                ["subject"] = "lead/LR-" + i.ToString(CultureInfo.InvariantCulture),
                ["time"] = "2026-11-20T14:03:11-05:00",
                ["tenant"] = "acme-law",
                ["datacontenttype"] = "application/json",
                ["data"] = data,
            };
            events[i] = Encoding.UTF8.GetBytes(envelope.ToJsonString());
        }

        return events;
    }
}
