using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Serverless.Benchmarks;

/// <summary>About 1 KB structured-mode CloudEvents like those the intake tools send, each with its own contact details.</summary>
internal static class SyntheticEvents
{
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
