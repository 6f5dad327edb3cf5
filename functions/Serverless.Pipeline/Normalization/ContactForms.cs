namespace Serverless.Pipeline.Normalization;

/// <summary>
/// One canonical form per email or phone, valid or not: the normalized form when the value normalizes, and otherwise a
/// canonical raw form (an email trimmed and lower-cased; a phone's digits, with its leading '+'). Two spellings of one
/// identifier get one form, so their join keys meet.
/// </summary>
public static class ContactForms
{
    private const int MinPhoneDigits = 6;
    private const int MaxPhoneLength = 40;

    public static string Email(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return EmailNormalizer.TryNormalize(value, out var normalized, out _) ? normalized : value.Trim().ToLowerInvariant();
    }

    /// <summary>The phone's canonical form, or null when the text has too few digits to be a phone number.</summary>
    public static string? Phone(string value, string defaultRegion)
    {
        ArgumentNullException.ThrowIfNull(value);
        var digits = value.Count(char.IsAsciiDigit);
        if (digits < MinPhoneDigits || value.Length > MaxPhoneLength)
        {
            return null;
        }

        if (PhoneNormalizer.TryNormalize(value, defaultRegion, out var normalized, out _))
        {
            return normalized;
        }

        var trimmed = value.Trim();
        var raw = new string(trimmed.Where(char.IsAsciiDigit).ToArray());
        return trimmed.StartsWith('+') ? "+" + raw : raw;
    }

    /// <summary>Whether the text could be an email address: something on both sides of one '@'.</summary>
    public static bool LooksLikeEmail(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var at = value.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at < value.Length - 1 && at == value.LastIndexOf('@') && value.Length <= 320;
    }
}
