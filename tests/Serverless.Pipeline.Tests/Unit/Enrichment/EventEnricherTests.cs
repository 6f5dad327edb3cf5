using System.Text.Json.Nodes;
using Serverless.Pipeline.Archive;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Tests.Support;

namespace Serverless.Pipeline.Tests.Unit.Enrichment;

public sealed class EventEnricherTests
{
    private static Preparation.PreparedEvent Prepare(byte[] body, Configuration.PipelineOptions? options = null) =>
        TestPipeline.Preparer(options).Prepare(new IncomingEvent(body, new StreamPosition("0", 1), TestEvents.Enqueued)).Prepared!;

    [Fact]
    public void Prepare_IntakeLead_EnrichesEveryDeclaredField()
    {
        var prepared = Prepare(TestEvents.IntakeLead());

        var e = prepared.Enrichments;
        Assert.Equal("US", e["contact.phone"]!.Text("country"));
        Assert.Equal("example.com", e["contact.email"]!.Text("domain"));
        Assert.Equal("campaigns", e["marketing.utm_campaign"]!.Text("table"));
        Assert.Equal("abc123", e["marketing.landing_page"]!.Text("gclid"));
        Assert.Equal("Safari", e["client.user_agent"]!.Text("browser"));
        Assert.Equal("198.51.100.0/24", e["client.ip"]!.Text("network"));
        Assert.Single(e.Pending, p => p.Table == "campaigns");
    }

    [Fact]
    public void Prepare_IntakeLead_StoresOnlyTheAnonymizedAddress()
    {
        var prepared = Prepare(TestEvents.IntakeLead());

        Assert.Equal("198.51.100.0", prepared.ParseData()["client"]!["ip"]!.GetValue<string>());
        Assert.DoesNotContain("198.51.100.23", RawLine(prepared), StringComparison.Ordinal);
        Assert.DoesNotContain("198.51.100", prepared.PseudonymizedData, StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_TenantWithWiderIpPrefix_KeepsLessOfTheAddress()
    {
        var options = TestPipeline.Options();
        options.Tenants["acme-law"] = new Configuration.TenantOptions { Enrichment = { IPv4Prefix = 16 } };

        var prepared = Prepare(TestEvents.IntakeLead(), options);

        Assert.Equal("198.51.0.0", prepared.ParseData()["client"]!["ip"]!.GetValue<string>());
    }

    [Fact]
    public void ViewJson_PersonalValues_AreJoinKeysAndTheRestIsClear()
    {
        var prepared = Prepare(TestEvents.IntakeLead());

        var view = JsonNode.Parse(prepared.Enrichments.ToViewJson()!)!;
        var raw = JsonNode.Parse(RawLine(prepared))!["enrichments"]!;

        Assert.Equal("198.51.100.0/24", raw["client.ip"]!["network"]!.GetValue<string>());
        Assert.StartsWith("k1_", view["client.ip"]!["network"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("k1_", view["marketing.landing_page"]!["gclid"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("iOS", view["client.user_agent"]!["os"]!.GetValue<string>());
        Assert.Equal("no-geo-database", view["client.ip"]!["missing"]!.GetValue<string>());
    }

    [Fact]
    public void Prepare_SchemaVersionWithoutEnrichment_AddsNone()
    {
        var body = TestEvents.CloudEvent("p1", "com.example.portal.page_viewed", "customer/C-1", """{"path":"/home?utm_source=x","session_id":"s"}""",
            dataSchema: "https://schemas.example.com/com.example.portal.page_viewed/1-0-0");

        var prepared = Prepare(body);

        Assert.True(prepared.Enrichments.IsEmpty);
        Assert.DoesNotContain("enrichments", RawLine(prepared), StringComparison.Ordinal);
    }

    private static string RawLine(Preparation.PreparedEvent prepared)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            RawArchive.WriteLine(writer, prepared);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
