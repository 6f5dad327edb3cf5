using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Enrichment;

namespace Serverless.Pipeline.Tests.Unit.Enrichment;

public sealed class IpEnrichmentTests : IDisposable
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"geo-{Guid.NewGuid():N}.mmdb");

    public IpEnrichmentTests() => File.WriteAllBytes(_database, new MmdbWriter()
        .Add("81.2.69.0/24", MmdbWriter.City("GB", "United Kingdom", "London"))
        .Add("2a02:8070::/32", MmdbWriter.City("DE", "Germany", "Berlin"))
        .Add("175.16.199.0/24", MmdbWriter.City("CN", "China", "Changchun"))
        .Build());

    public void Dispose() => File.Delete(_database);

    [Theory]
    [InlineData("198.51.100.23", 24, 48, "198.51.100.0")]
    [InlineData("198.51.100.23", 16, 48, "198.51.0.0")]
    [InlineData("::ffff:203.0.113.9", 24, 48, "203.0.113.0")]
    [InlineData("2001:db8:85a3:8d3:1319:8a2e:370:7348", 24, 48, "2001:db8:85a3::")]
    [InlineData("2001:db8:85a3:8d3:1319:8a2e:370:7348", 24, 64, "2001:db8:85a3:8d3::")]
    public void Anonymize_Address_ZeroesTheHostBits(string address, int ipv4Prefix, int ipv6Prefix, string expected)
    {
        var (network, _) = IpAnonymizer.Anonymize(IPAddress.Parse(address), ipv4Prefix, ipv6Prefix);

        Assert.Equal(expected, network.ToString());
    }

    [Theory]
    [InlineData("81.2.69.160", "GB", "London")]
    [InlineData("2a02:8070:1:2::1", "DE", "Berlin")]
    [InlineData("::ffff:175.16.199.7", "CN", "Changchun")]
    public void Enrich_AddressInTheDatabase_GivesCountryAndPseudonymizedCity(string address, string country, string city)
    {
        using var geo = GeoSource.Open(_database, NullLogger.Instance);

        var (entry, anonymized) = Run(address, geo);

        Assert.Equal(country, entry.Text("country"));
        Assert.Equal(city, entry.Text("city"));
        Assert.Equal("k_" + city, entry.Values.Single(v => v.Name == "city").JoinKey);
        Assert.NotNull(anonymized);
        Assert.Null(entry.Missing);
    }

    [Fact]
    public void Enrich_AddressNotInTheDatabase_IsAnonymizedAndMarkedUnknown()
    {
        using var geo = GeoSource.Open(_database, NullLogger.Instance);

        var (entry, anonymized) = Run("198.51.100.23", geo);

        Assert.Equal("198.51.100.0", anonymized);
        Assert.Equal("198.51.100.0/24", entry.Text("network"));
        Assert.Equal(MissingReason.UnknownValue, entry.Missing);
    }

    [Fact]
    public void Enrich_NoDatabaseConfigured_IsAnonymizedAndMarkedMissing()
    {
        var (entry, anonymized) = Run("81.2.69.160", GeoSource.None);

        Assert.Equal("81.2.69.0", anonymized);
        Assert.Null(entry.Text("country"));
        Assert.Equal(MissingReason.NoGeoDatabase, entry.Missing);
    }

    [Fact]
    public void Open_PathWithoutADatabase_MarksLocationsUnavailable()
    {
        using var geo = GeoSource.Open(Path.Combine(Path.GetTempPath(), "absent.mmdb"), NullLogger.Instance);

        var (entry, anonymized) = Run("81.2.69.160", geo);

        Assert.Equal("81.2.69.0", anonymized);
        Assert.Equal(MissingReason.GeoDatabaseUnavailable, entry.Missing);
    }

    [Fact]
    public void Enrich_NotAnAddress_IsMarkedUnparseable()
    {
        var (entry, anonymized) = Run("localhost", GeoSource.None);

        Assert.Null(anonymized);
        Assert.Equal(MissingReason.Unparseable, entry.Missing);
    }

    private static (EnrichmentEntry Entry, string? Anonymized) Run(string address, GeoSource geo)
    {
        string? anonymized = null;
        var context = new EnrichmentContext("t", new TenantEnrichmentOptions(), geo, Enrich.JoinKey);
        var entry = Enrich.Entry("ip", e => anonymized = IpEnrichment.Enrich(address, e, context));
        return (entry, anonymized);
    }
}
