using System.Globalization;
using System.Text;

namespace Serverless.Pipeline.Storage;

/// <summary>
/// Builds Table storage keys from arbitrary text. Keys may not hold '/', '\', '#', '?' or control characters, and the
/// pipeline uses '|' to join parts, so those (and '%') are percent-escaped; everything else is kept readable.
/// </summary>
public static class TableKeys
{
    public const char Separator = '|';

    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Any(NeedsEscape))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (NeedsEscape(c))
            {
                builder.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    public static string Join(string first, string second) => Escape(first) + Separator + Escape(second);

    /// <summary>The partition that holds everything about one customer.</summary>
    public static string Customer(string tenant, string subject) => Join(tenant, subject);

    /// <summary>
    /// A bucket in [0, <paramref name="buckets"/>) for a value, by FNV-1a over its UTF-16 code units: stable across
    /// processes and versions, unlike string.GetHashCode, so it can be part of a stored key.
    /// </summary>
    public static int Bucket(string value, int buckets)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(buckets);
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)buckets);
    }

    private static bool NeedsEscape(char c) =>
        c is '/' or '\\' or '#' or '?' or '%' or Separator || char.IsControl(c);
}
