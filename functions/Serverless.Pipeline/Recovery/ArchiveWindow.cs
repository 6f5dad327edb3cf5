using System.Globalization;
using System.Runtime.CompilerServices;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Serverless.Pipeline.Events;

namespace Serverless.Pipeline.Recovery;

/// <summary>
/// A span of whole UTC hours of the archive layout (<c>tenant/yyyy/MM/dd/HH/…</c>, the hour the stream accepted a
/// batch's first event), and the blobs of one tenant that fall in it, listed day by day so no other day is touched.
/// </summary>
public readonly record struct ArchiveWindow
{
    private ArchiveWindow(DateTimeOffset from, DateTimeOffset to)
    {
        From = from;
        To = to;
    }

    /// <summary>The first hour in the window.</summary>
    public DateTimeOffset From { get; }

    /// <summary>The hour after the last one in the window (exclusive).</summary>
    public DateTimeOffset To { get; }

    /// <summary>The hours that [from, to) touches: from rounded down, to rounded up to a whole hour.</summary>
    public static ArchiveWindow Covering(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            throw new ArgumentException($"The end of the range ({Format(to)}) must be after its start ({Format(from)}).", nameof(to));
        }

        var start = FloorToHour(from);
        var end = FloorToHour(to);
        return new ArchiveWindow(start, end < to.ToUniversalTime() ? end.AddHours(1) : end);
    }

    public bool Contains(DateTimeOffset hour) => hour >= From && hour < To;

    /// <summary>Every day the window touches, in order.</summary>
    public IEnumerable<DateOnly> Days()
    {
        for (var day = DateOnly.FromDateTime(From.UtcDateTime); day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) < To.UtcDateTime; day = day.AddDays(1))
        {
            yield return day;
        }
    }

    /// <summary>The hour a blob's name puts it in, or null for a name outside the archive layout.</summary>
    public static DateTimeOffset? HourOf(string blobName)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        var parts = blobName.Split('/');
        if (parts.Length < 6)
        {
            return null;
        }

        var text = string.Join('/', parts[1..5]);
        return DateTimeOffset.TryParseExact(text, "yyyy/MM/dd/HH", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var hour)
            ? hour
            : null;
    }

    /// <summary>The names of a tenant's blobs in this window, oldest hour first.</summary>
    public async IAsyncEnumerable<string> ListAsync(BlobContainerClient container, string tenant, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        if (!EnvelopeParser.IsValidTenant(tenant))
        {
            throw new ArgumentException($"'{tenant}' is not a tenant name (1-63 lower-case letters, digits and hyphens).", nameof(tenant));
        }

        foreach (var day in Days())
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"{tenant}/{day:yyyy'/'MM'/'dd}/");
            await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
            {
                if (HourOf(blob.Name) is { } hour && Contains(hour))
                {
                    yield return blob.Name;
                }
            }
        }
    }

    private static DateTimeOffset FloorToHour(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    private static string Format(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
