using System.Text;
using System.Text.Json;

namespace Serverless.Pipeline.Privacy.Api;

/// <summary>Who is calling the privacy API, and in which roles.</summary>
public sealed record Caller(string Name, IReadOnlySet<string> Roles)
{
    public const string ComplianceRole = "compliance";

    public bool IsComplianceOfficer => Roles.Contains(ComplianceRole);
}

/// <summary>One API key of the local runtime (<c>Privacy:ApiKeys:{name}</c>).</summary>
public sealed class ApiKeyOptions
{
    public string Key { get; set; } = string.Empty;
    public List<string> Roles { get; init; } = [];
}

/// <summary>Authenticates callers: by API key locally, by App Service authentication (Microsoft Entra ID) in Azure.</summary>
public static class CallerAuthentication
{
    public const string ApiKeyHeader = "X-Api-Key";
    public const string AppServicePrincipalHeader = "X-MS-CLIENT-PRINCIPAL";

    /// <summary>The caller an API key names, compared in constant time; null when none matches.</summary>
    public static Caller? FromApiKey(string? presented, IReadOnlyDictionary<string, ApiKeyOptions> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (string.IsNullOrEmpty(presented))
        {
            return null;
        }

        var given = Encoding.UTF8.GetBytes(presented);
        Caller? match = null;
        foreach (var (name, options) in keys)
        {
            if (options.Key.Length > 0 && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(options.Key)))
            {
                match = new Caller(name, options.Roles.ToHashSet(StringComparer.OrdinalIgnoreCase));
            }
        }

        return match;
    }

    /// <summary>
    /// The caller App Service authentication vouches for: the base64 JSON principal it puts in
    /// <c>X-MS-CLIENT-PRINCIPAL</c> after validating the Entra ID token (the header cannot come from outside when
    /// authentication is on). Roles are the app-role claims.
    /// </summary>
    public static Caller? FromAppServicePrincipal(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }

        try
        {
            using var principal = JsonDocument.Parse(Convert.FromBase64String(header));
            var root = principal.RootElement;
            var roleType = root.TryGetProperty("role_typ", out var rt) ? rt.GetString() : "roles";
            var nameType = root.TryGetProperty("name_typ", out var nt) ? nt.GetString() : "name";
            var claims = root.GetProperty("claims").EnumerateArray()
                .Select(c => (Type: c.GetProperty("typ").GetString(), Value: c.GetProperty("val").GetString()))
                .ToList();
            var name = claims.FirstOrDefault(c => c.Type == nameType || c.Type == "preferred_username").Value ?? "unknown";
            var roles = claims.Where(c => c.Type == roleType || c.Type == "roles").Select(c => c.Value!).ToHashSet(StringComparer.OrdinalIgnoreCase);
            return new Caller(name, roles);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
