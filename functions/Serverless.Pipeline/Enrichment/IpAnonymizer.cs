using System.Net;
using System.Net.Sockets;
using Serverless.Pipeline.Configuration;

namespace Serverless.Pipeline.Enrichment;

/// <summary>Truncates an IP address to its network: the host bits beyond the prefix are zeroed.</summary>
public static class IpAnonymizer
{
    public const int DefaultIPv4Prefix = TenantEnrichmentOptions.DefaultIPv4Prefix;
    public const int DefaultIPv6Prefix = TenantEnrichmentOptions.DefaultIPv6Prefix;

    /// <summary>The network of <paramref name="address"/>; an IPv4-mapped IPv6 address is treated as the IPv4 address it maps.</summary>
    public static (IPAddress Network, int Prefix) Anonymize(IPAddress address, int ipv4Prefix, int ipv6Prefix)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var prefix = address.AddressFamily == AddressFamily.InterNetwork ? Math.Clamp(ipv4Prefix, 0, 32) : Math.Clamp(ipv6Prefix, 0, 128);
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        bytes = bytes[..length];
        for (var bit = prefix; bit < length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return (new IPAddress(bytes), prefix);
    }
}
