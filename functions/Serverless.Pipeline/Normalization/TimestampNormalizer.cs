using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Pipeline.Normalization;

/// <summary>Turns ISO-8601 strings with any offset, and epoch seconds or milliseconds, into UTC ISO-8601.</summary>
public static class TimestampNormalizer
{
    public const string UtcFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'";

    // Epoch values above this are taken as milliseconds (it is 5138 CE in seconds, 1973 in milliseconds).
    private const long MillisecondsThreshold = 100_000_000_000;

    /// <summary>The longest text <see cref="UtcFormat"/> gives: <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>.</summary>
    public const int MaxUtcLength = 28;

    public static string Format(DateTimeOffset value)
    {
        Span<byte> utf8 = stackalloc byte[MaxUtcLength];
        return System.Text.Encoding.ASCII.GetString(utf8[..FormatUtf8(value, utf8)]);
    }

    /// <summary>
    /// Writes <see cref="UtcFormat"/> (trailing zeros of the fraction dropped, no fraction when it is zero) as UTF-8
    /// digits, without a format string to interpret: the archive writes two per event. Returns the length written.
    /// </summary>
    public static int FormatUtf8(DateTimeOffset value, Span<byte> destination)
    {
        var utc = value.UtcDateTime;
        Digits(destination, 0, utc.Year, 4);
        destination[4] = (byte)'-';
        Digits(destination, 5, utc.Month, 2);
        destination[7] = (byte)'-';
        Digits(destination, 8, utc.Day, 2);
        destination[10] = (byte)'T';
        Digits(destination, 11, utc.Hour, 2);
        destination[13] = (byte)':';
        Digits(destination, 14, utc.Minute, 2);
        destination[16] = (byte)':';
        Digits(destination, 17, utc.Second, 2);
        var length = 19;
        var fraction = (int)(utc.Ticks % TimeSpan.TicksPerSecond);
        if (fraction != 0)
        {
            destination[length++] = (byte)'.';
            var digits = 7;
            while (fraction % 10 == 0)
            {
                fraction /= 10;
                digits--;
            }

            Digits(destination, length, fraction, digits);
            length += digits;
        }

        destination[length++] = (byte)'Z';
        return length;
    }

    private static void Digits(Span<byte> destination, int start, int value, int count)
    {
        for (var i = start + count - 1; i >= start; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }

    public static bool TryNormalize(JsonValue value, out string normalized, out string error)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.GetValueKind() switch
        {
            JsonValueKind.String => TryNormalize(value.GetValue<string>(), out normalized, out error),
            JsonValueKind.Number when value.TryGetValue<long>(out var epoch) => TryFromEpoch(epoch, out normalized, out error),
            _ => NotATimestamp(out normalized, out error),
        };
    }

    /// <summary>A timestamp given as text: ISO-8601 with any offset, or a number of epoch seconds or milliseconds.</summary>
    public static bool TryNormalize(string value, out string normalized, out string error)
    {
        ArgumentNullException.ThrowIfNull(value);
        normalized = string.Empty;
        error = string.Empty;
        var text = value.Trim();
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var epochText))
        {
            return TryFromEpoch(epochText, out normalized, out error);
        }

        // The RFC 3339 shape most sources send is read directly; DateTimeOffset.TryParse gives the same instant for it.
        if (Events.Rfc3339.TryParseCommonShape(text, out var parsed)
            || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out parsed))
        {
            normalized = Format(parsed);
            return true;
        }

        error = "Not an ISO-8601 timestamp or a number of seconds since the epoch.";
        return false;
    }

    /// <summary>A timestamp given as a JSON number: whole epoch seconds or milliseconds.</summary>
    public static bool TryNormalize(long epoch, out string normalized, out string error) => TryFromEpoch(epoch, out normalized, out error);

    /// <summary>A JSON value that can be no timestamp (a fraction, a boolean, an object…).</summary>
    public static bool NotATimestamp(out string normalized, out string error)
    {
        normalized = string.Empty;
        error = "A timestamp must be a string or a whole number of seconds since the epoch.";
        return false;
    }

    private static bool TryFromEpoch(long epoch, out string normalized, out string error)
    {
        normalized = string.Empty;
        error = string.Empty;
        try
        {
            var time = epoch >= MillisecondsThreshold
                ? DateTimeOffset.FromUnixTimeMilliseconds(epoch)
                : DateTimeOffset.FromUnixTimeSeconds(epoch);
            normalized = Format(time);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            error = "The epoch timestamp is out of range.";
            return false;
        }
    }
}
