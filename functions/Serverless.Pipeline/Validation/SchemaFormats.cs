using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Serverless.Pipeline.Validation;

/// <summary>
/// The <c>format</c> values the pass asserts (as draft-07 validators do when format validation is on). A format it
/// does not know is an annotation only, as JSON Schema says.
/// </summary>
internal static partial class SchemaFormats
{
    public static bool IsValid(string format, ReadOnlySpan<char> text) => format switch
    {
        "date" => DateTime.TryParseExact(text, "yyyy'-'MM'-'dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "date-time" => DateTimeRegex().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "time" => TimeRegex().IsMatch(text),
        "email" => IsEmail(text),
        "uri" => Uri.TryCreate(text.ToString(), UriKind.Absolute, out var uri) && !text.StartsWith("/") && uri.IsAbsoluteUri,
        "uri-reference" => Uri.TryCreate(text.ToString(), UriKind.RelativeOrAbsolute, out _),
        "ipv4" => Ipv4Regex().IsMatch(text) && IPAddress.TryParse(text, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork,
        "ipv6" => text.Contains(':') && IPAddress.TryParse(text, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6,
        "uuid" => Guid.TryParseExact(text, "D", out _),
        "hostname" => Uri.CheckHostName(text.ToString()) == UriHostNameType.Dns,
        _ => true,
    };

    private static bool IsEmail(ReadOnlySpan<char> text)
    {
        var at = text.LastIndexOf('@');
        return at > 0 && at < text.Length - 1 && !text.ContainsAny(' ', '\t', '\n');
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex DateTimeRegex();

    [GeneratedRegex(@"^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$", RegexOptions.CultureInvariant)]
    private static partial Regex TimeRegex();

    [GeneratedRegex(@"^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv4Regex();
}
