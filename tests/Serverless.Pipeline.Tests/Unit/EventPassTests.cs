using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Pipeline.Caching;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Normalization;
using Serverless.Pipeline.Tests.Support;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Tests.Unit;

public sealed class EventPassTests
{
    private static Pipeline.Preparation.PreparationOutcome Prepare(string envelope) =>
        TestPipeline.Preparer().Prepare(new IncomingEvent(Encoding.UTF8.GetBytes(envelope), new StreamPosition("0", 1), TestEvents.Enqueued));

    private static string Lead(string data) =>
        $$"""{"specversion":"1.0","id":"e1","source":"https://intake.example.com","type":"intake.lead.created","subject":"lead/1","tenant":"acme-law","data":{{data}}}""";

    [Fact]
    public void Prepare_DuplicateNameInData_IsQuarantinedAsMalformed()
    {
        var outcome = Prepare(Lead("""{"lead_id":"L1","created_at":"2026-11-20T14:03:11Z","contact":{"email":"a@b.co","email":"c@d.co"}}"""));

        var rejected = Assert.IsType<Pipeline.Preparation.RejectedEvent>(outcome.Rejected);
        Assert.Equal(RejectionReason.MalformedEnvelope, rejected.Rejection.Reason);
        Assert.Contains("$.data.contact.email", rejected.Rejection.Violations[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_EscapedDuplicateNameInData_IsQuarantinedAsMalformed()
    {
        var outcome = Prepare(Lead("""{"lead_id":"L1","lead\u005fid":"L2","created_at":"2026-11-20T14:03:11Z","contact":{"email":"a@b.co"}}"""));

        Assert.Equal(RejectionReason.MalformedEnvelope, outcome.Rejected!.Rejection.Reason);
    }

    [Fact]
    public void Prepare_ValidLead_StoredCopyNormalizedAndPseudonymizedCopyKeyedInOnePass()
    {
        var prepared = Prepare(Lead("""{"lead_id":"L1","created_at":"2026-11-20T14:03:11-05:00","contact":{"email":"  A@B.CO ","phone":"(617) 555-0143","first_name":"Maria"},"x":[1,{"y":null}]}""")).Prepared!;

        var stored = prepared.ParseData();
        var keyed = prepared.ParsePseudonymizedData();
        Assert.Equal("a@b.co", stored["contact"]!["email"]!.GetValue<string>());
        Assert.Equal("+16175550143", stored["contact"]!["phone"]!.GetValue<string>());
        Assert.Equal("2026-11-20T19:03:11Z", stored["created_at"]!.GetValue<string>());
        Assert.Equal(TestPipeline.Pseudonymizer().JoinKey("acme-law", "a@b.co"), keyed["contact"]!["email"]!.GetValue<string>());
        Assert.Equal(TestPipeline.Pseudonymizer().JoinKey("acme-law", "Maria"), keyed["contact"]!["first_name"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[1,{"y":null}]"""), stored["x"]));
        Assert.True(JsonNode.DeepEquals(stored["x"], keyed["x"]));
        Assert.Equal("a@b.co", prepared.Contact[ContactField.Email]);
    }

    [Fact]
    public void Prepare_SchemaViolationAndBadPhone_ReportsTheSchemaViolationOnly()
    {
        var outcome = Prepare(Lead("""{"lead_id":"","created_at":"2026-11-20T14:03:11Z","contact":{"email":"a@b.co","phone":"call me"}}"""));

        var rejection = outcome.Rejected!.Rejection;
        Assert.Equal(RejectionReason.SchemaViolation, rejection.Reason);
        var violation = Assert.Single(rejection.Violations);
        Assert.Equal(("$.data.lead_id", "minLength"), (violation.Path, violation.Keyword));
    }

    [Fact]
    public void Compile_SchemaWithRef_IsRefusedNamingTheKeyword()
    {
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"a":{"$ref":"#/definitions/x"}},"definitions":{"x":{"type":"string"}}}""");

        var compiled = CompiledSchema.TryCompile(schema.RootElement, out _, out var keyword);

        Assert.False(compiled);
        Assert.Equal("$ref", keyword);
    }

    [Fact]
    public async Task LoadAsync_SchemaDirectoryWithAnyOf_FailsNamingFileAndKeyword()
    {
        var error = await LoadFailureAsync("""{"type":"object","anyOf":[{"required":["a"]},{"required":["b"]}]}""");

        Assert.Contains("custom.event/1-0-0.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("'anyOf'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_SchemaWithInvalidPattern_FailsNamingFileAndField()
    {
        var error = await LoadFailureAsync("""{"type":"object","properties":{"code":{"type":"string","pattern":"(unclosed"}}}""");

        Assert.Contains("custom.event/1-0-0.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("'code'", error.Message, StringComparison.Ordinal);
    }

    // Loads a schema directory holding one custom.event schema, and returns why loading failed.
    private static async Task<InvalidDataException> LoadFailureAsync(string schema)
    {
        var directory = Directory.CreateTempSubdirectory("schemas-");
        try
        {
            Directory.CreateDirectory(Path.Combine(directory.FullName, "custom.event"));
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "custom.event", "1-0-0.json"), schema);
            return await Assert.ThrowsAsync<InvalidDataException>(() => SchemaRegistry.LoadAsync(directory.FullName, CancellationToken.None));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Validate_NamesThatAreNotIdentifiers_AreBracketedInPaths()
    {
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"a.b":{"type":"string"}},"additionalProperties":{"type":"integer"}}""");
        CompiledSchema.TryCompile(schema.RootElement, out var compiled, out _);

        var violations = compiled!.Validate("""{"a.b":1,"it's":"x"}"""u8);

        Assert.Contains(violations, v => v.Path == "$.data['a.b']" && v.Keyword == "type");
        Assert.Contains(violations, v => v.Path == "$.data['it\\'s']" && v.Keyword == "type");
    }

    [Fact]
    public void ResultCache_PastCapacity_StartsAgainAndStaysBounded()
    {
        var computed = 0;
        var cache = new ResultCache<int, int>(3, key => { computed++; return key * 2; });

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(i * 2, cache.Get(i));
        }

        Assert.Equal(18, cache.Get(9));
        Assert.True(cache.Count <= 3);
        Assert.Equal(10, computed);
    }

    [Theory]
    [InlineData("(617) 555-0143", "US")]
    [InlineData("06 12 34 56 78", "FR")]
    [InlineData("call me", "US")]
    public void PhoneNormalizer_CachedResult_EqualsAFreshParse(string raw, string region)
    {
        var first = PhoneNormalizer.TryNormalize(raw, region, out var normalized, out var error);
        var second = PhoneNormalizer.TryNormalize(raw, region, out var again, out var againError);

        Assert.Equal(first, second);
        Assert.Equal(normalized, again);
        Assert.Equal(error, againError);
    }
}
