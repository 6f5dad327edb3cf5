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

    public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString(UtcFormat, CultureInfo.InvariantCulture);

    public static bool TryNormalize(JsonValue value, out string normalized, out string error)
    {
        ArgumentNullException.ThrowIfNull(value);
        normalized = string.Empty;
        error = string.Empty;
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                var text = value.GetValue<string>().Trim();
                if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var epochText))
                {
                    return TryFromEpoch(epochText, out normalized, out error);
                }

                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed))
                {
                    normalized = Format(parsed);
                    return true;
                }

                error = "Not an ISO-8601 timestamp or a number of seconds since the epoch.";
                return false;
            case JsonValueKind.Number when value.TryGetValue<long>(out var epoch):
                return TryFromEpoch(epoch, out normalized, out error);
            default:
                error = "A timestamp must be a string or a whole number of seconds since the epoch.";
                return false;
        }
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
