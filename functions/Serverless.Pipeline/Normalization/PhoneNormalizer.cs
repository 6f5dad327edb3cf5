using PhoneNumbers;

namespace Serverless.Pipeline.Normalization;

/// <summary>
/// Formats a phone number as E.164, reading national formats in the tenant's default region. Parsing with
/// libphonenumber costs microseconds, and the same numbers come back, so results are kept in a bounded cache keyed by
/// region and raw value.
/// </summary>
public static class PhoneNormalizer
{
    private const int CacheCapacity = 20_000;
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private static readonly ResultCache<(string Region, string Value), (string Normalized, string Error)> Cache =
        new(CacheCapacity, key => Parse(key.Value, key.Region));

    public static bool TryNormalize(string value, string defaultRegion, out string normalized, out string error)
    {
        ArgumentNullException.ThrowIfNull(value);
        (normalized, error) = Cache.Get((defaultRegion, value));
        return error.Length == 0;
    }

    public static bool IsKnownRegion(string region) => Util.GetSupportedRegions().Contains(region);

    private static (string Normalized, string Error) Parse(string value, string defaultRegion)
    {
        try
        {
            var number = Util.Parse(value, defaultRegion);
            return Util.IsPossibleNumber(number)
                ? (Util.Format(number, PhoneNumberFormat.E164), string.Empty)
                : (string.Empty, $"'{Mask(value)}' is not a possible phone number in region {defaultRegion} or in international format.");
        }
        catch (NumberParseException ex)
        {
            return (string.Empty, $"Not a phone number ({ex.ErrorType}).");
        }
    }

    // Violation messages end up in quarantine and logs; keep only the shape of the number.
    private static string Mask(string value) =>
        new(value.Select((c, i) => char.IsDigit(c) && i < value.Length - 2 ? '#' : c).ToArray());
}
