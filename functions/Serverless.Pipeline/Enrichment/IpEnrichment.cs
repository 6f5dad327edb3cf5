using System.Globalization;
using System.Net;

namespace Serverless.Pipeline.Enrichment;

/// <summary>
/// Anonymizes an IP address in the event's data before anything is stored, and locates the full address in the
/// MaxMind database first when one is configured (the full address is never kept). The network and the city are
/// personal data; the country is not.
/// </summary>
internal static class IpEnrichment
{
    public static string? Enrich(string text, EnrichmentEntry entry, EnrichmentContext context)
    {
        if (!IPAddress.TryParse(text.Trim(), out var address))
        {
            EventEnrichments.MarkMissing(entry, MissingReason.Unparseable, context.Tenant);
            return null;
        }

        var (network, prefix) = IpAnonymizer.Anonymize(address, context.Tenancy.IPv4Prefix, context.Tenancy.IPv6Prefix);
        var anonymized = network.ToString();
        var cidr = string.Create(CultureInfo.InvariantCulture, $"{anonymized}/{prefix}");
        entry.AddPersonal("network", cidr, context.JoinKey(cidr));
        Locate(address, entry, context);
        return anonymized;
    }

    private static void Locate(IPAddress address, EnrichmentEntry entry, EnrichmentContext context)
    {
        if (context.Geo.Database is not { } database)
        {
            EventEnrichments.MarkMissing(entry, context.Geo.WhyMissing, context.Tenant);
            return;
        }

        if (!database.TryLocate(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, out var country, out var city))
        {
            EventEnrichments.MarkMissing(entry, MissingReason.UnknownValue, context.Tenant);
            return;
        }

        if (country is not null)
        {
            entry.Add("country", country);
        }

        if (city is not null)
        {
            entry.AddPersonal("city", city, context.JoinKey(city));
        }
    }
}
