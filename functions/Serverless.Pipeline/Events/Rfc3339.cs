using System.Globalization;

namespace Serverless.Pipeline.Events;

/// <summary>
/// The CloudEvents <c>time</c> attribute: an RFC 3339 date-time with seconds, an optional fraction (digits past the
/// seventh are ignored: .NET keeps ticks) and a <c>Z</c> or <c>±hh:mm</c> offset of at most 14 hours.
/// </summary>
public static class Rfc3339
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

        try
        {
            value = new DateTimeOffset(dateTime, offset);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            // 0001-01-01T00:00:00+01:00 is before the first instant .NET can hold.
            return false;
        }
    }

    /// <summary>
    /// The same, straight from the UTF-8 token, for the shape nearly every event uses
    /// (<c>yyyy-MM-ddTHH:mm:ss[.f{1,7}](Z|±hh:mm)</c>); anything else goes through <see cref="TryParse(string, out DateTimeOffset)"/>.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out DateTimeOffset value)
    {
        if (TryParseCommonShape(text, out value))
        {
            return true;
        }

        return TryParse(System.Text.Encoding.UTF8.GetString(text), out value);
    }

    /// <summary>Text of the common shape only (<c>yyyy-MM-ddTHH:mm:ss[.f{1,7}](Z|±hh:mm)</c>); false for anything else.</summary>
    public static bool TryParseCommonShape(string text, out DateTimeOffset value)
    {
        ArgumentNullException.ThrowIfNull(text);
        Span<byte> utf8 = stackalloc byte[64];
        if (text.Length > utf8.Length || !System.Text.Ascii.IsValid(text))
        {
            value = default;
            return false;
        }

        System.Text.Encoding.ASCII.GetBytes(text, utf8);
        return TryParseCommonShape(utf8[..text.Length], out value);
    }

    private static bool TryParseCommonShape(ReadOnlySpan<byte> text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length < ShortestLength || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':'
            || !TryDigits(text, 0, 4, out var year) || !TryDigits(text, 5, 2, out var month) || !TryDigits(text, 8, 2, out var day)
            || !TryDigits(text, 11, 2, out var hour) || !TryDigits(text, 14, 2, out var minute) || !TryDigits(text, 17, 2, out var second)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var index = 19;
        var ticks = 0L;
        if (text[index] == '.')
        {
            var digits = 0;
            for (index++; index < text.Length && char.IsAsciiDigit((char)text[index]); index++, digits++)
            {
                ticks = (ticks * 10) + (text[index] - '0');
            }

            if (digits is 0 or > 7)
            {
                return false;
            }

            for (; digits < 7; digits++)
            {
                ticks *= 10;
            }
        }

        if (index >= text.Length)
        {
            return false;
        }

        Span<char> offsetText = stackalloc char[text.Length - index];
        for (var i = 0; i < offsetText.Length; i++)
        {
            offsetText[i] = (char)text[index + i];
        }

        if (!TryParseOffset(offsetText, out var offset))
        {
            return false;
        }

        try
        {
            value = new DateTimeOffset(new DateTime(year, month, day, hour, minute, second).AddTicks(ticks), offset);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static bool TryDigits(ReadOnlySpan<byte> text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit((char)text[i]))
            {
                return false;
            }

            value = (value * 10) + (text[i] - '0');
        }

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
