using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Keys;

/// <summary>
/// Replaces personal data with keyed HMAC-SHA256 join keys. The tenant is part of the MAC input, so one tenant's
/// keys cannot be joined with another's, and the key id prefix lets keys rotate without mixing generations.
/// </summary>
public sealed class Pseudonymizer
{
    private const int KeyBytesInOutput = 18; // 144 bits: collisions are out of reach, and it is 24 base64url characters.
    private readonly byte[] _key;
    private readonly string _keyId;

    public Pseudonymizer(byte[] key, string keyId)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        if (key.Length < 32)
        {
            throw new ArgumentException("The pseudonymization key must be at least 32 bytes.", nameof(key));
        }

        _key = key;
        _keyId = keyId;
    }

    public string JoinKey(string tenant, string value)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(value);
        var length = Encoding.UTF8.GetMaxByteCount(tenant.Length + value.Length + 1);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Encoding.UTF8.GetBytes(tenant, rented);
            rented[written++] = 0x1F;
            written += Encoding.UTF8.GetBytes(value, rented.AsSpan(written));
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(_key, rented.AsSpan(0, written), mac);
            return _keyId + "_" + Base64Url(mac[..KeyBytesInOutput]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>A copy of the event's data with every <c>x-pii</c> value replaced by its join key.</summary>
    public JsonObject Pseudonymize(PipelineEvent pipelineEvent, EventSchema schema)
    {
        ArgumentNullException.ThrowIfNull(pipelineEvent);
        ArgumentNullException.ThrowIfNull(schema);
        var copy = pipelineEvent.Data.DeepClone().AsObject();
        foreach (var rule in schema.Rules)
        {
            if (!rule.IsPii)
            {
                continue;
            }

            foreach (var (parent, key, value) in JsonPaths.Leaves(copy, rule.Path))
            {
                if (value is null || value.GetValueKind() == JsonValueKind.Null)
                {
                    continue;
                }

                var text = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
                JsonPaths.Set(parent, key, JsonValue.Create(JoinKey(pipelineEvent.Tenant, text)));
            }
        }

        return copy;
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
