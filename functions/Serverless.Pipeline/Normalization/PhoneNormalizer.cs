using PhoneNumbers;
using Serverless.Pipeline.Caching;

namespace Serverless.Pipeline.Normalization;

/// <summary>
/// Formats a phone number as E.164, reading national formats in the tenant's default region. Parsing with
/// libphonenumber costs microseconds, and the same numbers come back, so results are kept in a bounded cache keyed by
/// region and raw value.
/// </summary>
public static class PhoneNormalizer
{
    private const int CacheCapacity = 4_096;

    // Only between one event's normalization and its enrichment, a moment later.
    private const int ParsedCapacity = 1_024;
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private static readonly ResultCache<(string Region, string Value), (string Normalized, string Error)> Cache =
        new(CacheCapacity, key => Parse(key.Value, key.Region));

    // The numbers normalization parsed, by their E.164 form: enrichment reads a number's region and type from them
    // instead of parsing it a second time.
    private static readonly ResultCache<string, PhoneNumber?> ByE164 = new(ParsedCapacity, ParseE164);

    public static bool TryNormalize(string value, string defaultRegion, out string normalized, out string error)
    {
        ArgumentNullException.ThrowIfNull(value);
        (normalized, error) = Cache.Get((defaultRegion, value));
        return error.Length == 0;
    }

    /// <summary>The parsed number of an E.164 text (from the cache when normalization produced it), or null when it is none.</summary>
    public static PhoneNumber? ParsedE164(string e164)
    {
        ArgumentNullException.ThrowIfNull(e164);
        return ByE164.Get(e164);
    }

    public static bool IsKnownRegion(string region) => Util.GetSupportedRegions().Contains(region);

    private static (string Normalized, string Error) Parse(string value, string defaultRegion)
    {
        try
        {
            var number = Util.Parse(value, defaultRegion);
            if (!Util.IsPossibleNumber(number))
            {
                return (string.Empty, $"'{Mask(value)}' is not a possible phone number in region {defaultRegion} or in international format.");
            }

            var e164 = Util.Format(number, PhoneNumberFormat.E164);
            ByE164.Set(e164, number);
            return (e164, string.Empty);
        }
        catch (NumberParseException ex)
        {
            return (string.Empty, $"Not a phone number ({ex.ErrorType}).");
        }
    }

    private static PhoneNumber? ParseE164(string e164)
    {
        try
        {
            return Util.Parse(e164, null);
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    // Violation messages end up in quarantine and logs; keep only the shape of the number.
    private static string Mask(string value) =>
        new(value.Select((c, i) => char.IsDigit(c) && i < value.Length - 2 ? '#' : c).ToArray());
}
