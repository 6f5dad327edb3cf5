using PhoneNumbers;

namespace Serverless.Pipeline.Normalization;

/// <summary>Formats a phone number as E.164, reading national formats in the tenant's default region.</summary>
public static class PhoneNormalizer
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public static bool TryNormalize(string value, string defaultRegion, out string normalized, out string error)
    {
        normalized = string.Empty;
        error = string.Empty;
        try
        {
            var number = Util.Parse(value, defaultRegion);
            if (!Util.IsPossibleNumber(number))
            {
                error = $"'{Mask(value)}' is not a possible phone number in region {defaultRegion} or in international format.";
                return false;
            }

            normalized = Util.Format(number, PhoneNumberFormat.E164);
            return true;
        }
        catch (NumberParseException ex)
        {
            error = $"Not a phone number ({ex.ErrorType}).";
            return false;
        }
    }

    public static bool IsKnownRegion(string region) => Util.GetSupportedRegions().Contains(region);

    // Violation messages end up in quarantine and logs; keep only the shape of the number.
    private static string Mask(string value) =>
        new(value.Select((c, i) => char.IsDigit(c) && i < value.Length - 2 ? '#' : c).ToArray());
}
