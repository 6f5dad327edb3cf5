using Serverless.Pipeline.Privacy.Api;

namespace Serverless.Pipeline.Http;

/// <summary>The local runtime's callers: an API key in <c>X-Api-Key</c>, with the roles <c>Privacy:ApiKeys</c> gives it.</summary>
public sealed class ApiKeyAuthenticator(Func<IReadOnlyDictionary<string, ApiKeyOptions>> keys) : ICallerAuthenticator
{
    public string Challenge => $"Send a valid API key in {CallerAuthentication.ApiKeyHeader}.";

    public Caller? Authenticate(IncomingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CallerAuthentication.FromApiKey(request.Header(CallerAuthentication.ApiKeyHeader), keys());
    }
}
