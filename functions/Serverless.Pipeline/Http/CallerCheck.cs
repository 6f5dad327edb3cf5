using Serverless.Pipeline.Privacy.Api;
using Serverless.Pipeline.Problems;

namespace Serverless.Pipeline.Http;

/// <summary>The one role check: the caller when it holds one of the roles, otherwise the 401 or 403 to answer.</summary>
public readonly record struct CallerCheck(Caller? Caller, HttpAnswer? Refusal)
{
    public static CallerCheck Of(ICallerAuthenticator authenticator, IncomingRequest request, IReadOnlyList<string> roles)
    {
        ArgumentNullException.ThrowIfNull(authenticator);
        ArgumentNullException.ThrowIfNull(roles);
        var caller = authenticator.Authenticate(request);
        if (caller is null)
        {
            return new CallerCheck(null, HttpAnswer.Of(Problem.Of(401, "unauthenticated", "Not authenticated", authenticator.Challenge)));
        }

        if (!roles.Any(caller.Roles.Contains))
        {
            var needed = roles.Count == 1 ? $"the '{roles[0]}' role" : "one of the roles " + string.Join(", ", roles.Select(r => $"'{r}'"));
            return new CallerCheck(null, HttpAnswer.Of(Problem.Of(403, "forbidden", "Forbidden", $"Only callers with {needed} may use this.")));
        }

        return new CallerCheck(caller, null);
    }
}
