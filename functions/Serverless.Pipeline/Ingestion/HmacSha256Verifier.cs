using System.Security.Cryptography;

namespace Serverless.Pipeline.Ingestion;

/// <summary>Verifies a plain HMAC-SHA256 of the body given as <c>sha256=&lt;hex&gt;</c>, against every configured key, in constant time.</summary>
public static class HmacSha256Verifier
{
    private const string Prefix = "sha256=";

    public static SignatureCheck Verify(IReadOnlyList<byte[]> keys, string? headerValue, string? deliveryId, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (string.IsNullOrEmpty(headerValue))
        {
            return new SignatureCheck(SignatureStatus.Missing, null, "The signature header is required.");
        }

        if (!headerValue.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || headerValue.Length != Prefix.Length + 64)
        {
            return new SignatureCheck(SignatureStatus.Invalid, null, "The signature must be 'sha256=' followed by 64 hexadecimal digits.");
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(headerValue.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return new SignatureCheck(SignatureStatus.Invalid, null, "The signature must be 'sha256=' followed by 64 hexadecimal digits.");
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        foreach (var key in keys)
        {
            HMACSHA256.HashData(key, body, expected);
            if (CryptographicOperations.FixedTimeEquals(expected, given))
            {
                return SignatureCheck.Valid(string.IsNullOrEmpty(deliveryId) ? null : deliveryId);
            }
        }

        return new SignatureCheck(SignatureStatus.Invalid, null, "The signature does not match a configured secret.");
    }
}
