using Serverless.Pipeline.Events;
using Serverless.Pipeline.Tests.Support;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Tests.Unit;

public sealed class SchemaRegistryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("schemas").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("intake.lead.created", "1-1-0")]
    [InlineData("forms.submission.created", "1-0-0")]
    [InlineData("crm.contact.updated", "1-0-0")]
    [InlineData("com.example.portal.page_viewed", "1-1-0")]
    [InlineData("com.example.portal.document_uploaded", "1-0-0")]
    [InlineData("com.example.portal.message_sent", "1-0-0")]
    public void Resolve_ShippedTypeWithoutVersion_FindsTheNewest(string eventType, string newest)
    {
        var resolution = TestPipeline.Schemas.Resolve(eventType, null);

        Assert.Equal(newest, resolution.Schema!.Version.ToString());
    }

    [Theory]
    [InlineData("intake.lead.created")]
    [InlineData("com.example.portal.page_viewed")]
    public void Resolve_EnrichedTypeAtVersionOne_HasNoEnrichmentRules(string eventType)
    {
        var resolution = TestPipeline.Schemas.Resolve(eventType, "1-0-0");

        Assert.DoesNotContain(resolution.Schema!.Rules, r => r.Enrich is not null);
    }

    [Fact]
    public async Task Load_UnknownEnrichment_IsRefused()
    {
        WriteSchema("some.type", "1-0-0", """{"type":"object","properties":{"ip":{"type":"string","x-enrich":"whois"}}}""");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => SchemaRegistry.LoadAsync(_directory, CancellationToken.None));

        Assert.Contains("x-enrich", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_UnknownType_RejectsWithUnknownEventType()
    {
        var resolution = TestPipeline.Schemas.Resolve("com.example.nope", null);

        Assert.Equal(RejectionReason.UnknownEventType, resolution.Rejection!.Reason);
        Assert.Equal("$.type", resolution.Rejection.Violations[0].Path);
    }

    [Theory]
    [InlineData("https://schemas.example.com/com.example.portal.page_viewed/9-0-0")]
    [InlineData("https://schemas.example.com/com.example.portal.page_viewed/latest")]
    [InlineData("urn:schema:com.example.portal.page_viewed:1-0")]
    public void Resolve_UnknownVersion_RejectsWithUnknownSchemaVersion(string dataSchema)
    {
        var resolution = TestPipeline.Schemas.Resolve("com.example.portal.page_viewed", dataSchema);

        Assert.Equal(RejectionReason.UnknownSchemaVersion, resolution.Rejection!.Reason);
        Assert.Contains("1-0-0", resolution.Rejection.Violations[0].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://schemas.example.com/com.example.portal.page_viewed/1-0-0")]
    [InlineData("https://schemas.example.com/com.example.portal.page_viewed/1-0-0.json")]
    [InlineData("urn:schema:com.example.portal.page_viewed:1-0-0")]
    public void Resolve_ExplicitVersion_FindsIt(string dataSchema)
    {
        var resolution = TestPipeline.Schemas.Resolve("com.example.portal.page_viewed", dataSchema);

        Assert.Equal(new SchemaVersion(1, 0, 0), resolution.Schema!.Version);
    }

    [Fact]
    public async Task LoadAsync_DirectoryWithNewerVersion_AddsItAndMakesItTheDefault()
    {
        WriteSchema("com.example.portal.page_viewed", "1-1-0", """{"type":"object","required":["path"],"properties":{"path":{"type":"string"},"title":{"type":"string"}}}""");

        var registry = await SchemaRegistry.LoadAsync(_directory, CancellationToken.None);

        Assert.Equal(new SchemaVersion(1, 1, 0), registry.Resolve("com.example.portal.page_viewed", null).Schema!.Version);
        Assert.Equal(new SchemaVersion(1, 0, 0), registry.Resolve("com.example.portal.page_viewed", "x/1-0-0").Schema!.Version);
    }

    [Theory]
    [InlineData("v1.json")]
    [InlineData("1-0.json")]
    [InlineData("0-1-0.json")]
    public async Task LoadAsync_BadlyNamedFile_FailsWithClearMessage(string fileName)
    {
        var dir = Path.Combine(_directory, "some.type");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, fileName), "{}");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => SchemaRegistry.LoadAsync(_directory, CancellationToken.None));

        Assert.Contains("{M-R-A}.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_UnknownNormalizeKeywordValue_FailsNamingTheField()
    {
        WriteSchema("some.type", "1-0-0", """{"type":"object","properties":{"email":{"type":"string","x-normalize":"shout"}}}""");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => SchemaRegistry.LoadAsync(_directory, CancellationToken.None));

        Assert.Contains("x-normalize", error.Message, StringComparison.Ordinal);
        Assert.Contains("email", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rules_IntakeLead_MarksContactAndPiiFields()
    {
        var schema = TestPipeline.Schemas.Resolve("intake.lead.created", null).Schema!;

        var email = Assert.Single(schema.Rules, r => r.DisplayPath == "$.data.contact.email");
        Assert.Equal(NormalizeAs.Email, email.Normalize);
        Assert.True(email.IsPii);
        Assert.Equal(ContactField.Email, email.Contact);
        Assert.Contains(schema.Rules, r => r.DisplayPath == "$.data.client.ip" && r.IsPii);
    }

    private void WriteSchema(string type, string version, string json)
    {
        var dir = Path.Combine(_directory, type);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, version + ".json"), json);
    }
}
