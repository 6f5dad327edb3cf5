using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Serverless.Pipeline.Validation;

/// <summary>
/// The <c>format</c> values the pass asserts, each deciding exactly as JsonSchema.Net 8.0.5 does with format validation
/// on (the differential tests hold the two together). A format it does not know is an annotation only, as JSON Schema
/// says.
/// </summary>
internal static partial class SchemaFormats
{
    private const int MaxHostLength = 255;
    private const int MaxLabelLength = 63;

    // Characters no URI may hold, even where System.Uri would escape them for us.
    private static readonly SearchValues<char> NotInUri = SearchValues.Create(" <>{}|\\^`\"");

    public static bool IsValid(string format, string text) => format switch
    {
        "date" => DateTime.TryParseExact(text.ToUpperInvariant(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "date-time" => IsDateTime(text),
        "time" => IsTime(text),
        "email" => IsEmail(text),
        "uri" => IsUri(text),
        "uri-reference" => text.AsSpan().IndexOfAny(NotInUri) < 0 && !HasNonAscii(text) && Uri.TryCreate(text, UriKind.RelativeOrAbsolute, out _),
        "ipv4" => IsIpv4(text),
        "ipv6" => text.IndexOf('%', StringComparison.Ordinal) < 0 && text.IndexOf('/', StringComparison.Ordinal) < 0 && Uri.CheckHostName(text) == UriHostNameType.IPv6,
        "uuid" => Guid.TryParseExact(text, "D", out _),
        "hostname" => IsHostname(text),
        _ => true,
    };

    private static bool IsUri(string text)
    {
        if (text.AsSpan().IndexOfAny(NotInUri) >= 0 || HasNonAscii(text))
        {
            return false;
        }

        // Square brackets belong to an IPv6 host only, never to the user information before an '@'.
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var authority = text.IndexOf("://", StringComparison.Ordinal);
        if (at > 0 && authority >= 0 && authority + 3 <= at && text.AsSpan(authority + 3, at - authority - 3).IndexOfAny('[', ']') >= 0)
        {
            return false;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Scheme) && text.IndexOf(':', StringComparison.Ordinal) > 0;
    }

    private static bool HasNonAscii(string text) => !System.Text.Ascii.IsValid(text);

    private static bool IsDateTime(string text)
    {
        var match = DateTimeShape().Match(text);
        if (!match.Success)
        {
            return false;
        }

        var date = match.Groups["date"].Value;
        var year = int.Parse(date.AsSpan(0, 4), CultureInfo.InvariantCulture);
        var month = int.Parse(date.AsSpan(5, 2), CultureInfo.InvariantCulture);
        var day = int.Parse(date.AsSpan(8, 2), CultureInfo.InvariantCulture);
        if (month is < 1 or > 12 || year < 1 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        var time = match.Groups["time"].Value;
        return IsClock(int.Parse(time.AsSpan(0, 2), CultureInfo.InvariantCulture), int.Parse(time.AsSpan(3, 2), CultureInfo.InvariantCulture),
            int.Parse(time.AsSpan(6, 2), CultureInfo.InvariantCulture), match.Groups["offset"].Value);
    }

    private static bool IsTime(string text)
    {
        string local;
        string offset;
        if (text.EndsWith('Z') || text.EndsWith('z'))
        {
            local = text[..^1];
            offset = text[^1..];
        }
        else
        {
            var sign = Math.Max(text.LastIndexOf('+'), text.LastIndexOf('-'));
            if (sign <= 0)
            {
                return false;
            }

            local = text[..sign];
            offset = text[sign..];
        }

        var parts = local.Split('.');
        var clock = parts[0].Split(':');
        if (clock.Length != 3 || clock.Any(p => p.Length != 2 || !IsDigits(p)))
        {
            return false;
        }

        if (parts.Length > 1 && (parts[1].Length == 0 || !IsDigits(parts[1])))
        {
            return false;
        }

        return IsClock(int.Parse(clock[0], CultureInfo.InvariantCulture), int.Parse(clock[1], CultureInfo.InvariantCulture), int.Parse(clock[2], CultureInfo.InvariantCulture), offset);
    }

    // Hours, minutes and seconds of a time with its offset; a leap second (:60) only at 23:59 UTC.
    private static bool IsClock(int hour, int minute, int second, string offset)
    {
        if (hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        var leap = second == 60;
        if (offset is "Z" or "z")
        {
            return !leap || (hour == 23 && minute == 59);
        }

        var sign = offset[0];
        var fields = offset[1..].Split(':');
        if (sign is not ('+' or '-') || fields.Length != 2 || fields.Any(f => f.Length != 2 || !IsDigits(f)))
        {
            return false;
        }

        var offsetHours = int.Parse(fields[0], CultureInfo.InvariantCulture);
        var offsetMinutes = int.Parse(fields[1], CultureInfo.InvariantCulture);
        if (offsetHours > 23 || offsetMinutes > 59)
        {
            return false;
        }

        if (!leap)
        {
            return true;
        }

        var utc = (hour * 60) + minute + ((sign == '+' ? -1 : 1) * ((offsetHours * 60) + offsetMinutes));
        utc = ((utc % (24 * 60)) + (24 * 60)) % (24 * 60);
        return utc == (23 * 60) + 59;
    }

    private static bool IsEmail(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var at = text.LastIndexOf('@');
        var literal = at >= 0 && at + 1 < text.Length && text[at + 1] == '[';
        try
        {
            if (!literal)
            {
                // An internationalized domain is checked in its ASCII (punycode) form.
                text = EmailDomain().Replace(text, m => m.Groups[1].Value + new IdnMapping().GetAscii(m.Groups[2].Value));
            }

            if (!EmailShape().IsMatch(text))
            {
                return false;
            }
        }
        catch (Exception ex) when (ex is RegexMatchTimeoutException or ArgumentException)
        {
            return false;
        }

        if (!literal)
        {
            return true;
        }

        var host = text[(at + 1)..];
        if (!host.StartsWith('[') || !host.EndsWith(']'))
        {
            return false;
        }

        host = host[1..^1];
        var ipv6 = host.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase);
        return IPAddress.TryParse(ipv6 ? host[5..] : host, out var address)
            && address.AddressFamily == (ipv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork);
    }

    private static bool IsIpv4(string text)
    {
        var parts = text.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && IsDigits(p) && !(p.Length > 1 && p[0] == '0') && int.Parse(p, CultureInfo.InvariantCulture) <= 255);
    }

    private static bool IsHostname(string text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > MaxHostLength || text.Contains('_', StringComparison.Ordinal) || text[0] == '.' || text[^1] == '.'
            || !HostnameShape().IsMatch(text))
        {
            return false;
        }

        // Labels of at most 63 characters, and none with "--" in third and fourth place (IDNA reserves that shape).
        return text.Split('.').All(label => label.Length <= MaxLabelLength && !(label.Length >= 4 && label[2] == '-' && label[3] == '-'));
    }

    private static bool IsDigits(string text) => text.All(char.IsAsciiDigit);

    [GeneratedRegex(@"^(?<date>[0-9]{4}-[0-9]{2}-[0-9]{2})(?:[Tt_]| )(?<time>[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?)(?<offset>[Zz]|[+-][0-9]{2}:[0-9]{2})$", RegexOptions.None, 250)]
    private static partial Regex DateTimeShape();

    [GeneratedRegex(@"^[a-zA-Z0-9]([a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])?)*$", RegexOptions.None, 250)]
    private static partial Regex HostnameShape();

    [GeneratedRegex("(@)(.+)$", RegexOptions.None, 250)]
    private static partial Regex EmailDomain();

    // A quoted or dot-atom local part; a bracketed IP literal or dot-separated labels ending in a 2-63 letter top level.
    [GeneratedRegex(@"^(?("")("".+?(?<!\\)""@)|([-!#$%&'*+/=?^`{}|~A-Za-z0-9_]+(\.((?!\.)[-!#$%&'*+/=?^`{}|~A-Za-z0-9_]+))*@))(\[([0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}|(?i:IPv6:)[0-9A-Fa-f:.]+)\]|([A-Za-z0-9]([A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})$", RegexOptions.None, 250)]
    private static partial Regex EmailShape();
}
