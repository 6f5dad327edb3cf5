using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Serverless.Pipeline.Ingestion;

/// <summary>
/// Verifies the Standard Webhooks scheme: HMAC-SHA256 over <c>{webhook-id}.{webhook-timestamp}.{body}</c>, base64 in
/// <c>webhook-signature</c> as space-separated <c>v1,&lt;sig&gt;</c> entries (several while a key rotates), against
/// every configured key, in constant time, within a timestamp tolerance.
/// </summary>
public static class StandardWebhooksVerifier
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";
    private const string SecretPrefix = "whsec_";

    public static byte[] DecodeSecret(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var base64 = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        return Convert.FromBase64String(base64);
    }

    public static SignatureCheck Verify(IReadOnlyList<byte[]> keys, IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> body,
        DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(headers);
        if (!headers.TryGetValue(IdHeader, out var id) || !headers.TryGetValue(TimestampHeader, out var timestamp)
            || !headers.TryGetValue(SignatureHeader, out var signatures) || id.Length == 0 || signatures.Length == 0)
        {
            return new SignatureCheck(SignatureStatus.Missing, null, "The webhook-id, webhook-timestamp and webhook-signature headers are required.");
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 253402300799)
        {
            return new SignatureCheck(SignatureStatus.Invalid, null, "webhook-timestamp must be whole seconds since the epoch.");
        }

        var sentAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if ((now - sentAt).Duration() > tolerance)
        {
            return new SignatureCheck(SignatureStatus.Stale, null,
                $"webhook-timestamp is more than {tolerance.TotalMinutes:0.#} minutes from the server's time.");
        }

        var prefix = Encoding.UTF8.GetBytes(id + "." + timestamp + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        foreach (var key in keys)
        {
            HMACSHA256.HashData(key, signed, expected);
            foreach (var entry in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var comma = entry.IndexOf(',', StringComparison.Ordinal);
                if (comma < 0 || !entry.AsSpan(0, comma).SequenceEqual("v1"))
                {
                    continue;
                }

                if (Convert.TryFromBase64String(entry[(comma + 1)..], given, out var written) && written == given.Length
                    && CryptographicOperations.FixedTimeEquals(expected, given))
                {
                    return SignatureCheck.Valid(id);
                }
            }
        }

        return new SignatureCheck(SignatureStatus.Invalid, null, "No webhook-signature entry matches a configured secret.");
    }
}
