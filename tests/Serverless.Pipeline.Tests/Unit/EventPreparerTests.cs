using System.Text.Json.Nodes;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Tests.Support;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Tests.Unit;

public sealed class EventPreparerTests
{
    private static Preparation.PreparationOutcome Prepare(byte[] body) =>
        TestPipeline.Preparer().Prepare(new IncomingEvent(body, new StreamPosition("0", 1), TestEvents.Enqueued));

    [Fact]
    public void Prepare_IntakeLead_NormalizesContactFieldsAndTimestamps()
    {
        var prepared = Prepare(TestEvents.IntakeLead()).Prepared!;

        var contact = prepared.ParseData()["contact"]!;
        Assert.Equal("maria.oconnor@example.com", contact["email"]!.GetValue<string>());
        Assert.Equal("+16175550143", contact["phone"]!.GetValue<string>());
        Assert.Equal("2026-11-20T19:02:58Z", contact["consent"]!["captured_at"]!.GetValue<string>());
        Assert.Equal("2026-11-20T19:03:11Z", prepared.ParseData()["created_at"]!.GetValue<string>());
        Assert.Equal("O'Connor-Nuñez", prepared.Contact[ContactField.FamilyName]);
        Assert.Equal("maria.oconnor@example.com", prepared.Contact[ContactField.Email]);
        Assert.Equal("es", prepared.Contact[ContactField.Language]);
    }

    [Fact]
    public void Prepare_FormInFrance_UsesTheTenantRegionAndCountryCode()
    {
        var data = """{"form_id":"f","submission_id":"s1","email":"A@B.FR","phone":"06 12 34 56 78","country":"France"}""";
        var body = TestEvents.CloudEvent("s1", "forms.submission.created", "form/s1", data, tenant: "paris-avocats");

        var prepared = Prepare(body).Prepared!;

        Assert.Equal("+33612345678", prepared.Contact[ContactField.Phone]);
        Assert.Equal("FR", prepared.ParseData()["country"]!.GetValue<string>());
        Assert.Equal("a@b.fr", prepared.Contact[ContactField.Email]);
    }

    [Fact]
    public void Prepare_CrmEpochSeconds_BecomesUtcIso()
    {
        var prepared = Prepare(TestEvents.CrmContactUpdated()).Prepared!;

        Assert.Equal("2025-11-21T09:20:00Z", prepared.ParseData()["occurred_at"]!.GetValue<string>());
        Assert.Equal("new.address@example.org", prepared.Contact[ContactField.Email]);
    }

    [Fact]
    public void Prepare_PiiFields_AreJoinKeysInThePseudonymizedCopyOnly()
    {
        var prepared = Prepare(TestEvents.IntakeLead()).Prepared!;

        var copy = prepared.ParsePseudonymizedData();
        var expectedKey = TestPipeline.Pseudonymizer().JoinKey("acme-law", "maria.oconnor@example.com");
        Assert.Equal(expectedKey, copy["contact"]!["email"]!.GetValue<string>());
        Assert.StartsWith("k1_", copy["client"]!["ip"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("Maria", copy.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Rear-ended", copy.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("personal_injury", copy["matter"]!["practice_area"]!.GetValue<string>());
        Assert.Equal("Maria", prepared.ParseData()["contact"]!["first_name"]!.GetValue<string>());
    }

    [Fact]
    public void Prepare_UnknownType_IsRejectedWithTheEventKept()
    {
        var body = TestEvents.CloudEvent("x1", "com.example.unknown", "customer/1", "{}");

        var rejected = Prepare(body).Rejected!;

        Assert.Equal(RejectionReason.UnknownEventType, rejected.Rejection.Reason);
        Assert.Equal("x1", rejected.Event!.Id);
    }

    [Fact]
    public void Prepare_SchemaViolation_IsRejectedWithEveryViolation()
    {
        var body = TestEvents.CloudEvent("x2", "com.example.portal.message_sent", "customer/1", """{"length":"long"}""");

        var rejected = Prepare(body).Rejected!;

        Assert.Equal(RejectionReason.SchemaViolation, rejected.Rejection.Reason);
        Assert.Equal(2, rejected.Rejection.Violations.Count);
    }

    [Theory]
    [InlineData("""{"lead_id":"L","created_at":"2026-11-20T14:03:11Z","contact":{"email":"not-an-email"}}""", "$.data.contact.email", "x-normalize:email")]
    [InlineData("""{"lead_id":"L","created_at":"someday soon","contact":{"email":"a@b.co"}}""", "$.data.created_at", "x-normalize:timestamp")]
    [InlineData("""{"lead_id":"L","created_at":"2026-11-20T14:03:11Z","contact":{"email":"a@b.co","phone":"call me"}}""", "$.data.contact.phone", "x-normalize:phone")]
    public void Prepare_ValueThatCannotBeNormalized_IsRejectedWithPath(string data, string path, string keyword)
    {
        var body = TestEvents.CloudEvent("x3", "intake.lead.created", "lead/L", data);

        var rejected = Prepare(body).Rejected!;

        Assert.Equal(RejectionReason.NormalizationFailed, rejected.Rejection.Reason);
        var violation = Assert.Single(rejected.Rejection.Violations);
        Assert.Equal(path, violation.Path);
        Assert.Equal(keyword, violation.Keyword);
    }

    [Fact]
    public void Prepare_NullOptionalPhone_IsLeftNull()
    {
        var data = """{"lead_id":"L","created_at":"2026-11-20T14:03:11Z","contact":{"email":"a@b.co","phone":null}}""";

        var prepared = Prepare(TestEvents.CloudEvent("x4", "intake.lead.created", "lead/L", data)).Prepared!;

        Assert.Null(prepared.ParseData()["contact"]!["phone"]);
        Assert.False(prepared.Contact.ContainsKey(ContactField.Phone));
        Assert.IsType<JsonObject>(prepared.ParsePseudonymizedData()["contact"]);
    }
}
