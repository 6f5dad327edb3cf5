using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Ingestion;
using Serverless.Pipeline.Telemetry;
using Serverless.Pipeline.Tests.Support;

namespace Serverless.Pipeline.Tests.Unit;

/// <summary>The <c>traceparent</c> attribute: written from the ingesting activity, read back by the parser.</summary>
public sealed class TraceParentTests
{
    private const string SenderTraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static ConfiguredSource Source(SourceFormat format) => new("test-source", new SourceOptions
    {
        Tenant = TestEvents.Tenant,
        Format = format,
        Signature = SignatureScheme.HmacSha256,
        Secrets = { "secret" },
        Mapping = new SourceMapping { IdPath = "id", Type = "com.example.portal.page_viewed", SubjectPath = "customer" },
    });

    private static Activity StartIngestActivity() => new Activity("ingest-under-test").SetIdFormat(ActivityIdFormat.W3C).Start();

    [Fact]
    public void Map_JsonBodyInsideAnActivity_WritesTheActivityAsTraceParent()
    {
        using var activity = StartIngestActivity();

        var result = new EventMapper().Map(Source(SourceFormat.Json), EventMapper.JsonMediaType,
            Encoding.UTF8.GetBytes("""{"id":"e-1","customer":"customer/1","path":"/home"}"""), TestEvents.Enqueued);

        var mapped = Assert.Single(result.Events);
        Assert.Equal(activity.Id, JsonNode.Parse(mapped.Body)![TraceParent.AttributeName]!.GetValue<string>());
    }

    [Fact]
    public void Map_CloudEventWithTheSendersTraceParent_CarriesTheIngestingActivityInstead()
    {
        using var activity = StartIngestActivity();
        var body = JsonNode.Parse(TestEvents.PageViewed("e-1", "customer/1"))!.AsObject();
        body[TraceParent.AttributeName] = SenderTraceParent;

        var result = new EventMapper().Map(Source(SourceFormat.CloudEvents), EventMapper.CloudEventMediaType,
            Encoding.UTF8.GetBytes(body.ToJsonString()), TestEvents.Enqueued);

        var mapped = Assert.Single(result.Events);
        Assert.Equal(activity.Id, JsonNode.Parse(mapped.Body)![TraceParent.AttributeName]!.GetValue<string>());
    }

    [Fact]
    public void Map_NoCurrentActivity_WritesNoTraceParent()
    {
        Activity.Current = null;

        var result = new EventMapper().Map(Source(SourceFormat.Json), EventMapper.JsonMediaType,
            Encoding.UTF8.GetBytes("""{"id":"e-1","customer":"customer/1"}"""), TestEvents.Enqueued);

        Assert.False(JsonNode.Parse(Assert.Single(result.Events).Body)!.AsObject().ContainsKey(TraceParent.AttributeName));
    }

    [Fact]
    public void Parse_EventWithTraceParent_ReadsIt()
    {
        var body = JsonNode.Parse(TestEvents.PageViewed("e-1", "customer/1"))!.AsObject();
        body[TraceParent.AttributeName] = SenderTraceParent;

        var outcome = new EnvelopeParser().Parse(Encoding.UTF8.GetBytes(body.ToJsonString()), TestEvents.Enqueued);

        Assert.Equal(SenderTraceParent, outcome.Event!.TraceParent);
    }

    [Fact]
    public void Parse_EventWithoutTraceParent_HasNone()
    {
        var outcome = new EnvelopeParser().Parse(TestEvents.PageViewed("e-1", "customer/1"), TestEvents.Enqueued);

        Assert.Null(outcome.Event!.TraceParent);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-trace")]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01")]
    public void TryParse_MissingOrMalformed_IsFalse(string? value)
    {
        Assert.False(TraceParent.TryParse(value, out _));
    }

    [Fact]
    public void TryParse_W3CValue_GivesItsTraceAndSpan()
    {
        Assert.True(TraceParent.TryParse(SenderTraceParent, out var context));

        Assert.Equal("0af7651916cd43dd8448eb211c80319c", context.TraceId.ToHexString());
        Assert.Equal("b7ad6b7169203331", context.SpanId.ToHexString());
    }
}
