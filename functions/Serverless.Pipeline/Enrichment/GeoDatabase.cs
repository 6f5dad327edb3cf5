using System.Net;
using MaxMind.Db;
using MaxMind.GeoIP2;
using MaxMind.GeoIP2.Exceptions;

namespace Serverless.Pipeline.Enrichment;

/// <summary>
/// An opened MaxMind DB (GeoIP2/GeoLite2 City or Country, or any database of the same layout), read through
/// MaxMind.GeoIP2. Opened once per host and shared: the reader is thread-safe.
/// </summary>
public sealed class GeoDatabase : IDisposable
{
    private readonly DatabaseReader _reader;
    private readonly bool _hasCities;

    private GeoDatabase(DatabaseReader reader)
    {
        _reader = reader;
        _hasCities = reader.Metadata.DatabaseType.Contains("City", StringComparison.OrdinalIgnoreCase);
    }

    public static GeoDatabase Open(string path) => new(new DatabaseReader(path, FileAccessMode.MemoryMapped));

    /// <summary>Country (ISO 3166 alpha-2) and English city name; false when the database has no network for the address.</summary>
    public bool TryLocate(IPAddress address, out string? country, out string? city)
    {
        country = null;
        city = null;
        try
        {
            if (_hasCities && _reader.TryCity(address, out var located) && located is not null)
            {
                country = located.Country.IsoCode;
                city = located.City.Name;
            }
            else if (!_hasCities && _reader.TryCountry(address, out var inCountry) && inCountry is not null)
            {
                country = inCountry.Country.IsoCode;
            }
        }
        catch (GeoIP2Exception)
        {
            return false;
        }

        return country is not null || city is not null;
    }

    public void Dispose() => _reader.Dispose();
}
