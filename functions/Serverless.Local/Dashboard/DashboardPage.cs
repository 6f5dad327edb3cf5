using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Serverless.Local.Dashboard;

/// <summary>
/// The dashboard's one HTML page, an embedded resource with its script and style inline. It is served with a content
/// security policy that allows exactly that script and style (by hash) and requests to this origin only.
/// </summary>
internal sealed partial class DashboardPage
{
    private const string ResourceName = "Serverless.Local.Dashboard.dashboard.html";
    private readonly byte[] _html;
    private readonly string _policy;

    private DashboardPage(byte[] html, string policy)
    {
        _html = html;
        _policy = policy;
    }

    public static DashboardPage Load()
    {
        using var stream = typeof(DashboardPage).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var html = reader.ReadToEnd();
        var scripts = string.Join(' ', ScriptBlocks().Matches(html).Select(m => Hash(m.Groups[1].Value)));
        var styles = string.Join(' ', StyleBlocks().Matches(html).Select(m => Hash(m.Groups[1].Value)));
        var policy = $"default-src 'none'; script-src {scripts}; style-src {styles}; connect-src 'self'; img-src 'self' data:; " +
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        return new DashboardPage(Encoding.UTF8.GetBytes(html), policy);
    }

    public async Task Write(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = _policy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.Body.WriteAsync(_html, http.RequestAborted);
    }

    private static string Hash(string content) => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(content)))}'";

    [GeneratedRegex("<script>(.*?)</script>", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ScriptBlocks();

    [GeneratedRegex("<style>(.*?)</style>", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex StyleBlocks();
}
