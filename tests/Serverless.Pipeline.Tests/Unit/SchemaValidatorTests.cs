using Serverless.Pipeline.Events;
using Serverless.Pipeline.Tests.Support;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Tests.Unit;

public sealed class SchemaValidatorTests
{
    private static IReadOnlyList<Violation> Validate(string type, string data) =>
        SchemaValidator.Validate(TestPipeline.Schemas.Resolve(type, null).Schema!, data);

    public static TheoryData<string> Samples() => new()
    {
        "intake", "crm", "form", "app0", "app1", "app2",
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Validate_SampleData_HasNoViolations(string sample)
    {
        var body = sample switch
        {
            "intake" => TestEvents.IntakeLead(),
            "crm" => TestEvents.CrmContactUpdated(),
            "form" => TestEvents.FormSubmission(),
            _ => TestEvents.AppActivity()[sample[^1] - '0'],
        };
        var parsed = new EnvelopeParser().Parse(body, TestEvents.Enqueued).Event!;

        var violations = Validate(parsed.Type, parsed.DataJson);

        Assert.Empty(violations);
    }

    [Fact]
    public void Validate_SeveralProblems_ListsEveryViolationWithPathKeywordAndMessage()
    {
        var violations = Validate("com.example.portal.document_uploaded",
            """{"case_id":"","document_kind":"selfie","size_bytes":-1,"extra":true}""");

        Assert.Contains(violations, v => v.Path == "$.data.session_id" && v.Keyword == "required");
        Assert.Contains(violations, v => v.Path == "$.data.case_id" && v.Keyword == "minLength");
        Assert.Contains(violations, v => v.Path == "$.data.document_kind" && v.Keyword == "enum");
        Assert.Contains(violations, v => v.Path == "$.data.size_bytes" && v.Keyword == "minimum");
        Assert.Contains(violations, v => v.Keyword == "additionalProperties" && v.Message.Contains("extra", StringComparison.Ordinal));
        Assert.Equal(5, violations.Count);
    }

    [Fact]
    public void Validate_WrongTypeInNestedObject_PointsAtTheField()
    {
        var violations = Validate("intake.lead.created",
            """{"lead_id":"L1","created_at":"2026-11-20T14:03:11Z","contact":{"email":"a@b.co","consent":{"sms":"yes"}}}""");

        var violation = Assert.Single(violations);
        Assert.Equal("$.data.contact.consent.sms", violation.Path);
        Assert.Equal("type", violation.Keyword);
    }

    [Fact]
    public void Validate_ThirdPartyExtraFields_AreAllowed()
    {
        var violations = Validate("intake.lead.created",
            """{"lead_id":"L1","created_at":"2026-11-20T14:03:11Z","contact":{"email":"a@b.co"},"new_vendor_field":{"x":1}}""");

        Assert.Empty(violations);
    }
}
