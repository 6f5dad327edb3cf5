using Serverless.Local.Hosting;
using Serverless.Pipeline.Ingestion;
using Serverless.Pipeline.Privacy.Api;

namespace Serverless.Local.Dashboard;

/// <summary>
/// Who may read the dashboard's data: callers with an API key of <c>Privacy:ApiKeys</c>. The operational views
/// (totals, quarantine, a customer's latest events) need the staff or compliance role; privacy requests need compliance.
/// </summary>
internal static class DashboardAccess
{
    public const string StaffRole = "staff";

    /// <summary>The caller when it holds one of <paramref name="roles"/>; otherwise the 401 or 403 problem to answer.</summary>
    public static (Caller? Caller, IResult? Refusal) Authorize(HttpContext http, LocalRuntime runtime, params string[] roles)
    {
        var caller = CallerAuthentication.FromApiKey(http.Request.Headers[CallerAuthentication.ApiKeyHeader].FirstOrDefault(), runtime.ApiKeys);
        if (caller is null)
        {
            return (null, DashboardResults.Problem(Problem.Of(401, "unauthenticated", "Not authenticated",
                $"Send a valid API key in {CallerAuthentication.ApiKeyHeader}.")));
        }

        if (!roles.Any(caller.Roles.Contains))
        {
            return (null, DashboardResults.Problem(Problem.Of(403, "forbidden", "Forbidden",
                $"This view needs one of the roles: {string.Join(", ", roles)}.")));
        }

        return (caller, null);
    }
}
