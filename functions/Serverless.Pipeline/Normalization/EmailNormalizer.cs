namespace Serverless.Pipeline.Normalization;

/// <summary>Trims and lower-cases an email address, and rejects what cannot be one.</summary>
public static class EmailNormalizer
{
    public static bool TryNormalize(string value, out string normalized, out string error)
    {
        ArgumentNullException.ThrowIfNull(value);
        normalized = value.Trim().ToLowerInvariant();
        error = string.Empty;
        var at = normalized.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != normalized.LastIndexOf('@') || at == normalized.Length - 1)
        {
            error = "An email address needs exactly one '@' with text on both sides.";
            return false;
        }

        if (at > 64 || normalized.Length > 254)
        {
            error = "An email address may have at most 64 characters before the '@' and 254 in all.";
            return false;
        }

        var domain = normalized.AsSpan(at + 1);
        if (domain.IndexOf('.') <= 0 || domain[^1] == '.' || domain.Contains("..", StringComparison.Ordinal))
        {
            error = "The domain of an email address needs a dot between non-empty labels.";
            return false;
        }

        foreach (var c in normalized)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '(' or ')' or ',' or ';' or '"' or '[' or ']' or '\\')
            {
                error = "An email address may not contain spaces, control characters or the characters <>(),;\"[]\\.";
                return false;
            }
        }

        return true;
    }
}
