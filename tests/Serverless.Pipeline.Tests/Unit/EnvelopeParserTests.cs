using System.Text;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Tests.Support;

namespace Serverless.Pipeline.Tests.Unit;

public sealed class EnvelopeParserTests
{
    private readonly EnvelopeParser _parser = new();

    private ParseOutcome Parse(string json) => _parser.Parse(Encoding.UTF8.GetBytes(json), TestEvents.Enqueued);

    [Fact]
    public void Parse_AppActivitySample_ReadsEveryAttribute()
    {
        var body = TestEvents.AppActivity()[0];

        var outcome = _parser.Parse(body, TestEvents.Enqueued);

        var parsed = Assert.IsType<PipelineEvent>(outcome.Event);
        Assert.Equal("a1b2c3d4-0001", parsed.Id);
        Assert.Equal("app://client-portal", parsed.Source);
        Assert.Equal("com.example.portal.page_viewed", parsed.Type);
        Assert.Equal("customer/C-99812", parsed.Subject);
        Assert.Equal("acme-law", parsed.Tenant);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 10, 0, 1, 120, TimeSpan.Zero), parsed.Time);
        Assert.Equal("/cases/88231/documents", parsed.ParseData()["path"]!.GetValue<string>());
    }

    [Fact]
    public void Parse_OffsetTime_IsConvertedToUtc()
    {
        var outcome = _parser.Parse(TestEvents.IntakeLead(), TestEvents.Enqueued);

        Assert.Equal(TimeSpan.Zero, outcome.Event!.Time.Offset);
        Assert.Equal(new DateTime(2026, 11, 20, 19, 3, 11, DateTimeKind.Utc), outcome.Event.Time.UtcDateTime);
    }

    [Fact]
    public void Parse_NoTime_UsesTheEnqueuedTime()
    {
        var outcome = Parse("""{"specversion":"1.0","id":"1","source":"s","type":"t","subject":"c/1","tenant":"acme-law","data":{}}""");

        Assert.Equal(TestEvents.Enqueued, outcome.Event!.Time);
    }

    [Theory]
    [InlineData("", "MalformedEnvelope")]
    [InlineData("not json", "MalformedEnvelope")]
    [InlineData("[1,2]", "MalformedEnvelope")]
    [InlineData("""{"specversion":"0.3","id":"1","source":"s","type":"t","tenant":"acme-law","subject":"c","data":{}}""", "MalformedEnvelope")]
    [InlineData("""{"specversion":"1.0","source":"s","type":"t","tenant":"acme-law","subject":"c","data":{}}""", "MalformedEnvelope")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"s","type":"t","subject":"c","data":{}}""", "MissingTenant")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"s","type":"t","tenant":"Acme Law!","subject":"c","data":{}}""", "InvalidTenant")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"s","type":"t","tenant":"acme-law","data":{}}""", "MissingSubject")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"s","type":"t","tenant":"acme-law","subject":"  ","data":{}}""", "MissingSubject")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"s","type":"t","tenant":"acme-law","subject":"c","datacontenttype":"text/plain","data":"hi"}""", "UnsupportedDataContentType")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"s","type":"t","tenant":"acme-law","subject":"c","data":[1]}""", "DataNotObject")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"s","type":"t","tenant":"acme-law","subject":"c"}""", "DataNotObject")]
    public void Parse_BadEnvelope_IsRejectedWithTypedReason(string json, string reason)
    {
        var outcome = Parse(json);

        Assert.Null(outcome.Event);
        Assert.Equal(Enum.Parse<RejectionReason>(reason), outcome.Rejection!.Reason);
        Assert.NotEmpty(outcome.Rejection.Violations);
        Assert.All(outcome.Rejection.Violations, v => Assert.False(string.IsNullOrWhiteSpace(v.Message)));
    }

    [Fact]
    public void Parse_NonUtf8Bytes_IsRejectedAsMalformed()
    {
        var body = new byte[] { 0x7B, 0x22, 0x69, 0x64, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D };

        var outcome = _parser.Parse(body, TestEvents.Enqueued);

        Assert.Equal(RejectionReason.MalformedEnvelope, outcome.Rejection!.Reason);
    }

    [Fact]
    public void Parse_DeeplyNestedData_IsRejectedNotThrown()
    {
        var nested = new string('[', 5000) + new string(']', 5000);
        var json = """{"specversion":"1.0","id":"1","source":"s","type":"t","tenant":"acme-law","subject":"c","data":{"x":""" + nested + "}}";

        var outcome = Parse(json);

        Assert.Equal(RejectionReason.MalformedEnvelope, outcome.Rejection!.Reason);
    }

    [Theory]
    [InlineData("""{"specversion":"1.0","id":"1","id":"2","source":"s","type":"t","subject":"x","tenant":"a","data":{}}""", "$.id")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"s","type":"t","subject":"x","tenant":"a","tenant":"b","data":{}}""", "$.tenant")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"s","type":"t","subject":"x","tenant":"a","Bad-Name":"v","data":{}}""", "$")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"s","type":"t","subject":"x","tenant":"a","time":"2026-11-21T10:00:01z","data":{}}""", "$.time")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"","type":"t","subject":"x","tenant":"a","data":{}}""", "$.source")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"s","type":"t","subject":"x","tenant":"a","data":{}} {}""", "$")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"s","type":"t","subject":"x","tenant":"a","ext":{"nested":true},"data":{}}""", "$.ext")]
    public void Parse_EnvelopeAgainstCloudEvents_IsMalformedAtThePath(string json, string path)
    {
        var outcome = Parse(json);

        Assert.Equal(RejectionReason.MalformedEnvelope, outcome.Rejection!.Reason);
        Assert.Equal(path, outcome.Rejection.Violations[0].Path);
    }

    [Fact]
    public void Parse_DataBase64_IsNotAnObject()
    {
        var outcome = Parse("""{"specversion":"1.0","id":"1","source":"s","type":"t","subject":"x","tenant":"a","data_base64":"e30="}""");

        Assert.Equal(RejectionReason.DataNotObject, outcome.Rejection!.Reason);
    }

    [Fact]
    public void Parse_DataBeforeAttributes_KeepsTheDataBytesAsTheyArrived()
    {
        var outcome = Parse("""{"data":{"b" : [1, 2]},"specversion":"1.0","id":"1","source":"s","type":"t","subject":"x","tenant":"a"}""");

        Assert.Equal("""{"b" : [1, 2]}""", outcome.Event!.DataJson);
    }

    [Theory]
    [InlineData("2026-11-21T10:00:01.12Z")]
    [InlineData("2026-11-21T10:00:01+14:00")]
    [InlineData("2026-11-21T10:00:01.1234567-05:30")]
    [InlineData("2026-11-21T10:00:01.123456789Z")]
    [InlineData("2024-02-29T23:59:59Z")]
    [InlineData("2023-02-29T23:59:59Z")]
    [InlineData("2026-11-21T24:00:00Z")]
    [InlineData("2026-11-21T10:00:60Z")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("2026-11-21T10:00:01+14:01")]
    [InlineData("2026-11-21t10:00:01Z")]
    public void Rfc3339_BytesAndText_AgreeOnVerdictAndInstant(string text)
    {
        var fromText = Rfc3339.TryParse(text, out var expected);

        var fromBytes = Rfc3339.TryParse(Encoding.UTF8.GetBytes(text), out var actual);

        Assert.Equal(fromText, fromBytes);
        Assert.Equal(expected, actual);
    }
}
