using System.Text.Json.Nodes;
using Serverless.Pipeline.Privacy.Erasure;

namespace Serverless.Pipeline.Tests.Unit;

public sealed class PersonMatcherTests
{
    private static readonly PersonMatcher Person = new(["customer/1"], ["a@b.com"], ["+16175550199"], "US");

    private static string Raw(string subject, string data = """{"path":"/home"}""") =>
        $$"""{"specversion":"1.0","id":"e-1","subject":"{{subject}}","tenant":"acme-law","data":{{data}}}""";

    private static string Quarantined(string? subject, string body) =>
        new JsonObject { ["reason"] = "SchemaViolation", ["subject"] = subject, ["body"] = body }.ToJsonString();

    [Theory]
    [InlineData("customer/1", true)]
    [InlineData("customer/12", false)]
    [InlineData("customer/1 ", false)]
    [InlineData("xcustomer/1", false)]
    public void IsAbout_RawLineBySubject_MatchesTheWholeSubjectOnly(string subject, bool expected) =>
        Assert.Equal(expected, Person.IsAbout(Raw(subject)));

    [Theory]
    [InlineData("a@b.com", true)]
    [InlineData(" A@B.Com ", true)]
    [InlineData("aa@b.com", false)]
    [InlineData("a@b.comx", false)]
    [InlineData("mail a@b.com please", false)]
    public void IsAbout_RawLineByEmail_MatchesWholeValuesInRawAndNormalizedForm(string email, bool expected) =>
        Assert.Equal(expected, Person.IsAbout(Raw("customer/9", new JsonObject { ["email"] = email }.ToJsonString())));

    [Theory]
    [InlineData("(617) 555-0199", true)]
    [InlineData("+1 617 555 0199", true)]
    [InlineData("+16175550199", true)]
    [InlineData("(617) 555-01999", false)]
    [InlineData("617 555 019", false)]
    public void IsAbout_RawLineByPhone_MatchesTheSameNumberInAnyFormat(string phone, bool expected) =>
        Assert.Equal(expected, Person.IsAbout(Raw("customer/9", new JsonObject { ["contact"] = new JsonObject { ["phone"] = phone } }.ToJsonString())));

    [Fact]
    public void IsAbout_QuarantinedBodyWithEscapedEmail_Matches()
    {
        var body = """{"subject":"lead/L-1","data":{"email":"a\u0040b.com"}}""";

        Assert.True(Person.IsAbout(Quarantined("lead/L-1", body)));
    }

    [Theory]
    [InlineData("customer/1", true)]
    [InlineData("customer/12", false)]
    public void IsAbout_QuarantinedRecordWhoseEnvelopeWasUnreadable_MatchesTheBodysSubjectWhole(string subject, bool expected)
    {
        var body = new JsonObject { ["subject"] = subject, ["data"] = new JsonObject { ["path"] = "nope" } }.ToJsonString();

        Assert.Equal(expected, Person.IsAbout(Quarantined(null, body)));
    }

    [Fact]
    public void IsAbout_QuarantinedBodyNamingANearIdenticalEmail_DoesNotMatch()
    {
        var body = """{"subject":"lead/L-2","data":{"email":"aa@b.com","note":"customer/1"}}""";

        Assert.False(Person.IsAbout(Quarantined("lead/L-2", body)));
    }
}
