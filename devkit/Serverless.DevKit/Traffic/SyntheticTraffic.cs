using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Serverless.DevKit.Traffic;

/// <summary>
/// A realistic synthetic stream for the sample sources: intake leads (Standard Webhooks, JSON), form submissions
/// (HMAC, urlencoded), CRM changes (HMAC, JSON) and client-portal activity (Standard Webhooks, CloudEvents batches),
/// with bad signatures, invalid data, unknown types, resent events and replayed deliveries mixed in.
/// </summary>
public sealed class SyntheticTraffic(int seed, string run)
{
    private static readonly string[] Given = ["Maria", "Jean-Luc", "Aïsha", "Tomás", "Grace", "Wei", "Olu", "Sanna", "Chloé", "Arjun"];
    private static readonly string[] Family = ["O'Connor-Nuñez", "Dubois", "Okafor", "Lindqvist", "Nakamura", "García", "Smith", "Novak", "Moreau", "Iyer"];
    private static readonly string[] Pages = ["/home", "/cases/88231", "/cases/88231/documents", "/messages", "/billing", "/profile"];
    private readonly Random _random = new(seed);
    private int _counter;

    public SyntheticRequest Next()
    {
        var n = Interlocked.Increment(ref _counter);
        var roll = _random.Next(100);
        var request = roll switch
        {
            < 30 => IntakeLead(n),
            < 42 => Form(n),
            < 55 => Crm(n),
            _ => PortalBatch(n),
        };
        return _random.Next(100) < 2 ? request with { BadSignature = true } : request;
    }

    private SyntheticRequest IntakeLead(int n)
    {
        var (given, family) = (Pick(Given), Pick(Family));
        var email = _random.Next(100) < 4 ? "not-an-email" : $"  {given}.{family.Replace("'", "", StringComparison.Ordinal)}{n}@Example.COM ";
        var body = new JsonObject
        {
            ["event"] = "lead.created",
            ["lead_id"] = $"LR-{run}-{(_random.Next(100) < 5 ? n - 1 : n)}",
            ["created_at"] = Now(n, "-05:00"),
            ["firm"] = new JsonObject { ["id"] = "acme-law", ["office"] = "Boston" },
            ["contact"] = new JsonObject
            {
                ["first_name"] = given,
                ["last_name"] = family,
                ["email"] = email,
                ["phone"] = $"(617) 555-{_random.Next(10000):D4}",
                ["preferred_language"] = _random.Next(2) == 0 ? "en" : "es",
                ["consent"] = new JsonObject { ["sms"] = _random.Next(2) == 0, ["email"] = true, ["captured_at"] = Now(n, "-05:00") },
            },
            ["matter"] = new JsonObject { ["practice_area"] = "personal_injury", ["incident_date"] = "2026-10-02", ["description"] = "Collision at an intersection; seeking advice." },
            ["client"] = new JsonObject { ["ip"] = $"198.51.100.{_random.Next(1, 255)}", ["user_agent"] = "Mozilla/5.0" },
        };
        return new SyntheticRequest("intake-pro", Encoding.UTF8.GetBytes(body.ToJsonString()), "application/json", false, $"msg_{run}_{n}", 1);
    }

    private SyntheticRequest Form(int n)
    {
        var phone = _random.Next(100) < 5 ? "not a phone" : $"+33 6 {_random.Next(10, 99)} {_random.Next(10, 99)} {_random.Next(10, 99)} {_random.Next(10, 99)}";
        var fields = new Dictionary<string, string>
        {
            ["form_id"] = "contact-us-v3",
            ["submission_id"] = $"sub-{run}-{n}",
            ["submitted_at"] = Now(n, "Z"),
            ["name"] = Pick(Given) + " " + Pick(Family),
            ["email"] = $"client{n}@example.fr",
            ["phone"] = phone,
            ["country"] = _random.Next(2) == 0 ? "FR" : "France",
            ["message"] = "Bonjour, I need help with a tenancy dispute.",
            ["consent_marketing"] = "on",
        };
        var body = string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value).Replace("%20", "+", StringComparison.Ordinal)));
        return new SyntheticRequest("formflow", Encoding.UTF8.GetBytes(body), "application/x-www-form-urlencoded", false, $"dlv_{run}_{n}", 1);
    }

    private SyntheticRequest Crm(int n)
    {
        var body = new JsonObject
        {
            ["type"] = "contact.updated",
            ["id"] = $"evt_{run}_{n}",
            ["occurred_at"] = 1763716800 + n,
            ["account"] = "acme-law",
            ["data"] = new JsonObject
            {
                ["contact_id"] = "C-" + _random.Next(1, 400).ToString(CultureInfo.InvariantCulture),
                ["changes"] = new JsonObject
                {
                    ["email"] = new JsonObject { ["from"] = $"old{n}@example.org", ["to"] = $"New.Address{n}@Example.org" },
                    ["stage"] = new JsonObject { ["from"] = "prospect", ["to"] = "client" },
                },
                ["owner"] = "paralegal-" + _random.Next(1, 9).ToString(CultureInfo.InvariantCulture),
            },
        };
        return new SyntheticRequest("crm-hub", Encoding.UTF8.GetBytes(body.ToJsonString()), "application/json", false, $"dlv_{run}_{n}", 1);
    }

    private SyntheticRequest PortalBatch(int n)
    {
        var events = new JsonArray();
        var count = _random.Next(20, 60);
        for (var i = 0; i < count; i++)
        {
            var customer = "customer/C-" + _random.Next(1, 400).ToString(CultureInfo.InvariantCulture);
            var id = $"app-{run}-{n}-{i}";
            var kind = _random.Next(100);
            var (type, data) = kind switch
            {
                < 2 => ("com.example.portal.video_played", new JsonObject { ["video"] = "intro" }),
                < 5 => ("com.example.portal.page_viewed", new JsonObject { ["path"] = Pick(Pages) }),
                < 60 => ("com.example.portal.page_viewed", new JsonObject { ["path"] = Pick(Pages), ["session_id"] = "s-" + n }),
                < 80 => ("com.example.portal.document_uploaded", new JsonObject { ["case_id"] = "88231", ["document_kind"] = "medical_record", ["size_bytes"] = _random.Next(1000, 900000), ["session_id"] = "s-" + n }),
                _ => ("com.example.portal.message_sent", new JsonObject { ["thread_id"] = "t-" + _random.Next(1, 50).ToString(CultureInfo.InvariantCulture), ["length"] = _random.Next(1, 2000) }),
            };
            if (_random.Next(100) < 3 && i > 0)
            {
                id = $"app-{run}-{n}-{i - 1}";
            }

            events.Add(new JsonObject
            {
                ["specversion"] = "1.0",
                ["id"] = id,
                ["source"] = "app://client-portal",
                ["type"] = type,
                ["subject"] = customer,
                ["time"] = Now(n, "Z"),
                ["tenant"] = "acme-law",
                ["datacontenttype"] = "application/json",
                ["data"] = data,
            });
        }

        return new SyntheticRequest("client-portal", Encoding.UTF8.GetBytes(events.ToJsonString()), "application/cloudevents-batch+json", false, $"msg_batch_{run}_{n}", count);
    }

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];

    private static string Now(int n, string offset) =>
        new DateTime(2026, 11, 21, 8, 0, 0, DateTimeKind.Utc).AddSeconds(n).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + offset;
}
