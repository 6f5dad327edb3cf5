using Microsoft.Extensions.Logging;
using Serverless.Pipeline.Privacy.Api;

namespace Serverless.Pipeline.Http;

/// <summary>
/// The Functions app's callers: App Service authentication validates the Microsoft Entra ID token and passes the
/// caller's claims in <c>X-MS-CLIENT-PRINCIPAL</c>, a header clients cannot set while authentication is on. The header
/// is trusted only while the platform says authentication is on (<c>WEBSITE_AUTH_ENABLED</c>): otherwise anyone could
/// forge it, so nobody is admitted.
/// </summary>
public sealed partial class AppServiceAuthenticator(bool authenticationEnabled, ILogger<AppServiceAuthenticator> logger) : ICallerAuthenticator
{
    private readonly ILogger<AppServiceAuthenticator> _logger = logger;

    public string Challenge => "Sign in with Microsoft Entra ID (App Service authentication must be enabled on the app).";

    public Caller? Authenticate(IncomingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var principal = request.Header(CallerAuthentication.AppServicePrincipalHeader);
        if (!authenticationEnabled)
        {
            if (principal is not null)
            {
                LogPrincipalIgnored();
            }

            return null;
        }

        return CallerAuthentication.FromAppServicePrincipal(principal);
    }

    [LoggerMessage(EventId = 3601, Level = LogLevel.Warning, Message = "A request carried X-MS-CLIENT-PRINCIPAL, but App Service authentication is not enabled on this app; the header was ignored and the request refused")]
    private partial void LogPrincipalIgnored();
}
