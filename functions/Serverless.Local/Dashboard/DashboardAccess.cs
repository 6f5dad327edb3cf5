using Serverless.Local.Hosting;
using Serverless.Pipeline.Problems;

namespace Serverless.Local.Dashboard;

/// <summary>
/// Who may read the dashboard's data: callers with an API key of <c>Privacy:ApiKeys</c>. The operational views
/// (totals, quarantine, a customer's latest events) need the staff or compliance role; privacy requests need compliance.
/// </summary>
internal static class DashboardAccess
{
    public const string StaffRole = "staff";

    /// <summary>The 401 or 403 problem to answer, or null when the caller holds one of <paramref name="roles"/>.</summary>
    public static IResult? Refusal(HttpContext http, params string[] roles) =>
        LocalHttp.Authorize(http, roles).Refusal is { } refusal ? DashboardResults.Problem((Problem)refusal.Body) : null;
}
