using Azure;
using Serverless.Pipeline.Storage;

namespace Serverless.Pipeline.Tests.Unit;

public sealed class StorageFaultsTests
{
    public static TheoryData<Exception, bool> Cases() => new()
    {
        { new RequestFailedException(503, "busy"), true },
        { new RequestFailedException(500, "boom"), true },
        { new RequestFailedException(429, "throttled"), true },
        { new RequestFailedException(0, "no response"), true },
        { new HttpRequestException("connection refused"), true },
        { new AggregateException(new RequestFailedException("send failed"), new HttpRequestException("refused")), true },
        { new RequestFailedException(400, "bad request"), false },
        { new RequestFailedException(404, "not found"), false },
        { new InvalidOperationException("bug"), false },
        { new AggregateException(new HttpRequestException("refused"), new InvalidOperationException("bug")), false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void IsUnavailable_Exception_TellsOutagesFromFaults(Exception exception, bool expected)
    {
        Assert.Equal(expected, StorageFaults.IsUnavailable(exception));
    }

    public static TheoryData<Exception, bool> PermanentCases() => new()
    {
        { new RequestFailedException(400, "property value too large"), true },
        { new RequestFailedException(413, "entity too large"), true },
        { new InvalidOperationException("bug"), true },
        { new FormatException("bad input"), true },
        { new AggregateException(new RequestFailedException(400, "bad"), new ArgumentException("bug")), true },
        { new RequestFailedException(503, "busy"), false },
        { new RequestFailedException(404, "table missing"), false },
        { new RequestFailedException(403, "access denied"), false },
        { new RequestFailedException(412, "etag changed"), false },
        { new HttpRequestException("connection refused"), false },
        { new OperationCanceledException(), false },
        { new AggregateException(new RequestFailedException(400, "bad"), new HttpRequestException("refused")), false },
    };

    [Theory]
    [MemberData(nameof(PermanentCases))]
    public void IsPermanent_Exception_TellsPoisonFromOutagesAndConfiguration(Exception exception, bool expected)
    {
        Assert.Equal(expected, StorageFaults.IsPermanent(exception));
    }
}
