using System.Text.Json.Nodes;

namespace Serverless.Functions.Tests.Parity;

/// <summary>
/// One table of requests (<see cref="ParityCases"/>) sent to both hosts: the local runtime in-process and the Functions
/// app's functions invoked directly. Each must answer with the expected status, and both alike: the same status, the
/// same Content-Type, Retry-After and Location, and the same body (the problem's type, title and status; JSON bodies
/// equal, but for the fields a host reports about itself).
/// </summary>
[Collection(ParityCollection.Name)]
public sealed class HttpParityTests(ParityHosts hosts)
{
    public static TheoryData<string> Cases => ParityCases.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BothHosts_SameRequest_AnswerAlike(string name)
    {
        var parity = ParityCases.Named(name);
        var request = parity.Request();

        var local = await hosts.SendToLocalAsync(parity.ForLocal(request));
        var functions = await hosts.SendToFunctionsAsync(parity.ForFunctions(request));

        Assert.Equal(parity.Status, local.Status);
        Assert.Equal(local.Status, functions.Status);
        Assert.Equal(local.ContentType, MediaType(functions.ContentType));
        Assert.Equal(local.RetryAfter, functions.RetryAfter);
        Assert.Equal(local.Location, functions.Location);
        Assert.Equal(Compared(local, parity), Compared(functions, parity));
    }

    private static string? MediaType(string? contentType) => contentType?.Split(';')[0].Trim();

    private static string Compared(HostAnswer answer, ParityCase parity)
    {
        var fields = answer.ContentType?.StartsWith("application/problem+json", StringComparison.Ordinal) == true ? ["type", "title", "status"] : parity.ComparedFields;
        if (fields is null || answer.Body is not JsonObject body)
        {
            return answer.Body?.ToJsonString() ?? string.Empty;
        }

        return new JsonObject(fields.Select(f => KeyValuePair.Create(f, body[f]?.DeepClone()))).ToJsonString();
    }
}
