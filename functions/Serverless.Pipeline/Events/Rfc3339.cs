using System.Globalization;

namespace Serverless.Pipeline.Events;

/// <summary>
/// The CloudEvents <c>time</c> attribute: an RFC 3339 date-time with seconds, an optional fraction (digits past the
/// seventh are ignored: .NET keeps ticks) and a <c>Z</c> or <c>±hh:mm</c> offset of at most 14 hours.
/// </summary>
internal static class Rfc3339
{
    private const int ShortestLength = 20;       // yyyy-MM-ddTHH:mm:ssZ
    private const int FirstOffsetIndex = 19;
    private const int LongestParsedLocalPart = 27; // yyyy-MM-ddTHH:mm:ss.fffffff
    private const int MaxOffsetMinutes = 14 * 60;

    public static bool TryParse(string text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length < ShortestLength)
        {
            return false;
        }

        var offsetIndex = text.AsSpan(FirstOffsetIndex).IndexOfAny('Z', '+', '-');
        if (offsetIndex < 0)
        {
            return false;
        }

        offsetIndex += FirstOffsetIndex;
        var local = text.AsSpan(0, offsetIndex);
        if (local[^1] == '.')
        {
            // time-secfrac is "." 1*DIGIT: a fraction point needs a digit.
            return false;
        }

        if (local.Length > LongestParsedLocalPart)
        {
            if (local[LongestParsedLocalPart..].ContainsAnyExceptInRange('0', '9'))
            {
                return false;
            }

            local = local[..LongestParsedLocalPart];
        }

        if (!DateTime.TryParseExact(local, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture, DateTimeStyles.None, out var dateTime)
            || !TryParseOffset(text.AsSpan(offsetIndex), out var offset))
        {
            return false;
        }

        value = new DateTimeOffset(dateTime, offset);
        return true;
    }

    private static bool TryParseOffset(ReadOnlySpan<char> text, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (text[0] == 'Z')
        {
            return text.Length == 1;
        }

        if (text.Length != 6 || !char.IsAsciiDigit(text[1]) || !char.IsAsciiDigit(text[2]) || text[3] != ':' || !char.IsAsciiDigit(text[4]) || !char.IsAsciiDigit(text[5]))
        {
            return false;
        }

        var minutes = (text[4] - '0') * 10 + (text[5] - '0');
        var total = ((text[1] - '0') * 10 + (text[2] - '0')) * 60 + minutes;
        if (minutes >= 60 || total > MaxOffsetMinutes)
        {
            return false;
        }

        offset = TimeSpan.FromMinutes(text[0] == '-' ? -total : total);
        return true;
    }
}
