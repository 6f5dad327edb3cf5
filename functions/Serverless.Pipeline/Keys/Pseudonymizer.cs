using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Serverless.Pipeline.Keys;

/// <summary>
/// Replaces personal data with keyed HMAC-SHA256 join keys. The tenant is part of the MAC input, so one tenant's
/// keys cannot be joined with another's, and the key id prefix lets keys rotate without mixing generations.
/// </summary>
public sealed class Pseudonymizer
{
    private const int KeyBytesInOutput = 18; // 144 bits: collisions are out of reach, and it is 24 base64url characters.
    private const int EncodedLength = KeyBytesInOutput / 3 * 4;
    private const byte Separator = 0x1F;
    private readonly byte[] _key;
    private readonly byte[] _prefix;

    // One keyed HMAC per thread, reset after each use: the key's inner and outer pads are computed once, not per value.
    [ThreadStatic]
    private static (Pseudonymizer Owner, IncrementalHash Mac)? _threadMac;

    public Pseudonymizer(byte[] key, string keyId)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        if (key.Length < 32)
        {
            throw new ArgumentException("The pseudonymization key must be at least 32 bytes.", nameof(key));
        }

        _key = key;
        _prefix = Encoding.UTF8.GetBytes(keyId + "_");

    }

    public string JoinKey(string tenant, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return JoinKey(tenant, value.AsSpan());
    }

    public string JoinKey(string tenant, ReadOnlySpan<char> value)
    {
        Span<byte> key = stackalloc byte[_prefix.Length + EncodedLength];
        Format(tenant, value, key);
        return Encoding.UTF8.GetString(key);
    }

    /// <summary>Writes the join key of <paramref name="value"/> as a JSON string, without an intermediate string.</summary>
    public void WriteJoinKey(Utf8JsonWriter writer, string tenant, ReadOnlySpan<char> value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> key = stackalloc byte[_prefix.Length + EncodedLength];
        Format(tenant, value, key);
        writer.WriteStringValue(key);
    }

    private IncrementalHash ThreadMac()
    {
        if (_threadMac is { } cached && ReferenceEquals(cached.Owner, this))
        {
            return cached.Mac;
        }

        _threadMac?.Mac.Dispose();
        var mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        _threadMac = (this, mac);
        return mac;
    }

    private void Format(string tenant, ReadOnlySpan<char> value, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var length = Encoding.UTF8.GetMaxByteCount(tenant.Length + value.Length) + 1;
        byte[]? rented = null;
        var input = length <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(tenant, input);
            input[written++] = Separator;
            written += Encoding.UTF8.GetBytes(value, input[written..]);
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            var hmac = ThreadMac();
            hmac.AppendData(input[..written]);
            hmac.GetHashAndReset(mac);
            _prefix.CopyTo(destination);
            Base64Url.EncodeToUtf8(mac[..KeyBytesInOutput], destination[_prefix.Length..]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
