using Azure;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Http;
using Serverless.Pipeline.Ingestion;
using Serverless.Pipeline.Problems;

namespace Serverless.Pipeline.Tests.Unit;

public sealed class FaultClassifierTests
{
    private readonly FaultClassifier _faults = new();

    [Theory]
    [InlineData(503)]
    [InlineData(500)]
    [InlineData(0)]
    public void Classify_StorageOutage_Is503WithRetryAfter(int status)
    {
        var answer = _faults.Classify(new RequestFailedException(status, "down"));

        Assert.Equal(503, answer!.Status);
        Assert.Equal(FaultClassifier.UnavailableRetryAfter, answer.RetryAfter);
    }

    [Theory]
    [InlineData(403)]
    [InlineData(401)]
    public void Classify_StorageRefusesTheIdentity_Is500NamingTheRoleNeverRetryLater(int status)
    {
        var answer = _faults.Classify(new AggregateException(new RequestFailedException(status, "AuthorizationPermissionMismatch", "AuthorizationPermissionMismatch", null)));

        Assert.Equal(500, answer!.Status);
        Assert.Null(answer.RetryAfter);
        Assert.Contains("Storage Blob Data Contributor", ((Problem)answer.Body).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_MissingSetting_Is503NamingIt()
    {
        var answer = _faults.Classify(new MisconfigurationException(["EventHubName"], "Set the app setting EventHubName."));

        Assert.Equal(503, answer!.Status);
        Assert.EndsWith("not-configured", ((Problem)answer.Body).Type, StringComparison.Ordinal);
        Assert.Contains("EventHubName", ((Problem)answer.Body).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_SourceWithAWrongValue_Is500NamingTheSetting()
    {
        var wrong = Assert.Throws<MisconfigurationException>(() => new ConfiguredSource("crm", new SourceOptions { Tenant = "Not A Tenant", Secrets = ["s"] }));

        var answer = _faults.Classify(wrong);

        Assert.Equal(500, answer!.Status);
        Assert.Null(answer.RetryAfter);
        Assert.Contains("Pipeline:Sources:crm", wrong.Settings);
        Assert.Contains("Source 'crm'", ((Problem)answer.Body).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_HostRule_ComesFirst()
    {
        var teapot = HttpAnswer.Of(Problem.Of(418, "teapot", "Teapot", "A host's own fault."));
        var faults = new FaultClassifier(ex => ex is TimeoutException ? teapot : null);

        Assert.Same(teapot, faults.Classify(new TimeoutException()));
    }

    [Fact]
    public void Classify_Bug_IsNotAKnownFault()
    {
        Assert.Null(_faults.Classify(new InvalidOperationException("bug")));
    }
}
