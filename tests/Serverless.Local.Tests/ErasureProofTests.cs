using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Serverless.Local.Tests;

/// <summary>
/// An erasure checked as a compliance officer would: a few hundred customers ingested through the webhook API, one
/// person linked under several customer ids (with quarantine-only records and duplicates) erased, then every blob
/// (decompressed) and every entity of every table scanned for every identifier of the person in every form.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ErasureProofTests(AzuriteFixture azurite) : IDisposable
{
    private const int Customers = 300;
    private const string Email = "Targetina.Erasmus@Example.com";
    private const string Phone = "(617) 555-0199";
    private static readonly PersonTrace Person = new(
        "customer/TGT-7", "lead/LT-TGT", "lead/LQ-TGT", "lead/LQ2-TGT", Email, "targetina.erasmus@example.com", Phone, "+16175550199", "6175550199",
        "Targetina", "Erasmus", "tgt-e", "LT-TGT", "LQ-TGT", "LQ2-TGT", "crm-tgt");

    private readonly RuntimeFactory _runtime = new(azurite.Server);
    private HttpClient? _http;

    private HttpClient Client => _http ??= _runtime.CreateClient();

    public void Dispose()
    {
        _http?.Dispose();
        _runtime.Dispose();
    }

    private async Task SendAsync(HttpRequestMessage request)
    {
        var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private Task PortalAsync(IEnumerable<string> events) =>
        SendAsync(Requests.Standard(_runtime, "client-portal", Requests.Utf8("[" + string.Join(',', events) + "]"), "application/cloudevents-batch+json"));

    private Task LeadAsync(string leadId, string email, string? phone = null, string language = "en", string first = "Lee", string last = "Doe") =>
        SendAsync(Requests.Standard(_runtime, "intake-pro", Requests.Utf8(new JsonObject
        {
            ["event"] = "lead.created",
            ["lead_id"] = leadId,
            ["created_at"] = "2026-11-20T14:03:11Z",
            ["contact"] = new JsonObject
            {
                ["first_name"] = first, ["last_name"] = last, ["email"] = email, ["phone"] = phone, ["preferred_language"] = language,
            },
        }.ToJsonString()), "application/json"));

    private async Task IngestAsync()
    {
        foreach (var chunk in Enumerable.Range(1, Customers).SelectMany(c => Enumerable.Range(0, 2).Select(i => Requests.PortalEvent($"c{c}-e{i}", $"customer/C-{c}"))).Chunk(200))
        {
            await PortalAsync(chunk);
        }

        for (var n = 1; n <= 40; n++)
        {
            await LeadAsync($"LR-{n}", $"person{n}@example.com", $"+1 617 555 {1000 + n}");
        }

        // The person: a client under customer/TGT-7 (one event invalid, one resent), a lead, a CRM change of their
        // email, and two records known only from quarantine: leads with a bad language tag and a bad phone.
        var theirs = Enumerable.Range(0, 3).Select(i => Requests.PortalEvent($"tgt-e{i}", "customer/TGT-7")).ToList();
        await PortalAsync(theirs.Append(Requests.PortalEvent("tgt-bad", "customer/TGT-7", data: """{"path":"nope"}""")));
        await PortalAsync([theirs[0]]);
        await LeadAsync("LT-TGT", " " + Email + " ", Phone, first: "Targetina", last: "Erasmus");
        await LeadAsync("LT-TGT", Email, Phone, first: "Targetina", last: "Erasmus");
        await LeadAsync("LQ-TGT", Email.ToUpperInvariant(), null, language: "not a language!", first: "Targetina", last: "Erasmus");
        await SendAsync(Requests.Hmac("crm-hub", Requests.Utf8(new JsonObject
        {
            ["type"] = "contact.updated", ["id"] = "crm-tgt", ["occurred_at"] = 1763716800,
            ["data"] = new JsonObject { ["contact_id"] = "TGT-7", ["changes"] = new JsonObject { ["email"] = new JsonObject { ["to"] = Email } } },
        }.ToJsonString()), "application/json"));
        await LeadAsync("LQ2-TGT", Email, "12", first: "Targetina", last: "Erasmus");
        await _runtime.DrainAsync();
    }

    private async Task<List<(string Where, string Text)>> ScanAsync() =>
        (await StorageScan.EverythingAsync(azurite.Server.ConnectionString, _runtime.Prefix))
            .Select(item => (item.Where[_runtime.Prefix.Length..], item.Text))
            .ToList();

    private async Task<JsonNode> WaitForEndAsync(string id)
    {
        return await Poll.ForAsync(async () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/privacy/erasures/" + id);
            request.Headers.Add("X-Api-Key", "local-demo-key-alice-change-me");
            var status = JsonNode.Parse(await (await Client.SendAsync(request)).Content.ReadAsStringAsync())!;
            return status["status"]!.GetValue<string>() is "Completed" or "Failed" ? status : null;
        }, TimeSpan.FromMinutes(2), $"Erasure {id} did not end.", TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task Erasure_OfAPersonUnderSeveralIds_LeavesNoFormOfAnyIdentifierAnywhereAndEveryoneElseUnchanged()
    {
        await IngestAsync();
        var before = await ScanAsync();
        Assert.Contains(before, item => item.Where.StartsWith("quarantine/", StringComparison.Ordinal) && item.Text.Contains("LQ-TGT", StringComparison.Ordinal));
        Assert.Contains(before, item => item.Where.StartsWith("quarantine/", StringComparison.Ordinal) && item.Text.Contains("LQ2-TGT", StringComparison.Ordinal));
        Assert.Contains(before, item => item.Where.StartsWith("identities/", StringComparison.Ordinal) && item.Text.Contains("lead/LQ-TGT", StringComparison.Ordinal));
        Assert.True(_runtime.Statistics.Duplicates >= 2);

        var request = new HttpRequestMessage(HttpMethod.Post, "/api/privacy/erasures")
        {
            Content = JsonContent.Create(new { tenant = "acme-law", subject = "customer/TGT-7", email = Email, phone = Phone, reason = "Art. 17(1)(b)", requester = "ticket #9" }),
        };
        request.Headers.Add("X-Api-Key", "local-demo-key-alice-change-me");
        var created = await Client.SendAsync(request);
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        var status = await WaitForEndAsync(id);
        Assert.Equal("Completed", status["status"]!.GetValue<string>());

        var after = await ScanAsync();
        var left = Person.Left(after);
        Assert.True(left.Count == 0, string.Join("\n", left));
        Assert.Equal(Person.OthersOf(before), Person.OthersOf(after));
        Assert.Equal(4, status["certificate"]!["customerRecords"]!.GetValue<int>());
    }
}
