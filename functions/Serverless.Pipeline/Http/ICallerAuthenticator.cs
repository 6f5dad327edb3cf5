using Serverless.Pipeline.Privacy.Api;

namespace Serverless.Pipeline.Http;

/// <summary>Says who is calling: by API key locally, by App Service authentication (Microsoft Entra ID) in Azure.</summary>
public interface ICallerAuthenticator
{
    /// <summary>How a caller proves who it is, for the detail of a 401.</summary>
    string Challenge { get; }

    /// <summary>The caller, or null when the request proves no one.</summary>
    Caller? Authenticate(IncomingRequest request);
}
