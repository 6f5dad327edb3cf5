using Serverless.Pipeline.Privacy.Api;

namespace Serverless.Local.Dashboard;

/// <summary>Tells a person which configured API key opens the dashboard, for the demo's console.</summary>
public static class DashboardKeys
{
    // The shipped sample keys end with this; any other key is a real secret and is named, never printed.
    private const string SampleKeySuffix = "-change-me";

    public static IEnumerable<string> Describe(IReadOnlyDictionary<string, ApiKeyOptions> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var staff = First(keys, DashboardAccess.StaffRole);
        var compliance = First(keys, Caller.ComplianceRole);
        if (staff is null && compliance is null)
        {
            yield return $"  No API key has the '{DashboardAccess.StaffRole}' or '{Caller.ComplianceRole}' role: add one under Privacy:ApiKeys to open it.";
            yield break;
        }

        if (staff is { } s)
        {
            yield return $"  API key for totals, quarantine and customers ({DashboardAccess.StaffRole}): {Show(s)}";
        }

        if (compliance is { } c)
        {
            yield return $"  API key that also shows privacy requests ({Caller.ComplianceRole}): {Show(c)}";
        }
    }

    private static KeyValuePair<string, ApiKeyOptions>? First(IReadOnlyDictionary<string, ApiKeyOptions> keys, string role) =>
        keys.Where(k => k.Value.Key.Length > 0 && k.Value.Roles.Contains(role, StringComparer.OrdinalIgnoreCase))
            .OrderBy(k => k.Key, StringComparer.Ordinal)
            .Select(k => (KeyValuePair<string, ApiKeyOptions>?)k)
            .FirstOrDefault();

    private static string Show(KeyValuePair<string, ApiKeyOptions> key) =>
        key.Value.Key.EndsWith(SampleKeySuffix, StringComparison.Ordinal)
            ? $"{key.Value.Key} (Privacy:ApiKeys:{key.Key}, a sample key)"
            : $"the key of Privacy:ApiKeys:{key.Key}";
}
