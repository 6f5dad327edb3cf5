using Microsoft.Extensions.Logging;

namespace Serverless.Pipeline.Enrichment;

/// <summary>The geolocation database as configured: opened, or why there is none.</summary>
public sealed partial class GeoSource : IDisposable
{
    private GeoSource(GeoDatabase? database, string whyMissing)
    {
        Database = database;
        WhyMissing = whyMissing;
    }

    public static GeoSource None { get; } = new(null, MissingReason.NoGeoDatabase);

    public GeoDatabase? Database { get; }

    public string WhyMissing { get; }

    /// <summary>
    /// Opens the configured database. A database that cannot be opened does not stop the host: events are stored with
    /// their location marked missing, and the log says why once.
    /// </summary>
    public static GeoSource Open(string? path, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        if (string.IsNullOrWhiteSpace(path))
        {
            return None;
        }

        try
        {
            return new GeoSource(GeoDatabase.Open(path), MissingReason.GeoDatabaseUnavailable);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or MaxMind.Db.InvalidDatabaseException)
        {
            LogUnavailable(logger, path, ex.GetType().Name);
            return new GeoSource(null, MissingReason.GeoDatabaseUnavailable);
        }
    }

    public void Dispose() => Database?.Dispose();

    [LoggerMessage(EventId = 3401, Level = LogLevel.Error, Message = "The IP geolocation database {Path} could not be opened ({Failure}); events are stored with their location marked missing")]
    private static partial void LogUnavailable(ILogger logger, string path, string failure);
}
