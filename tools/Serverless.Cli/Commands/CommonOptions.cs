using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Serverless.Cli.Commands;

/// <summary>Options several commands share, parsed strictly: UTC ISO-8601 times, tenant names.</summary>
internal static class CommonOptions
{
    public static Option<string> Tenant() => new("--tenant")
    {
        Description = "The tenant (lower-case letters, digits and hyphens).",
        Required = true,
    };

    public static Option<DateTimeOffset?> Time(string name, string description, bool required) => new(name)
    {
        Description = description + " ISO-8601; without an offset it is UTC (2026-11-21 or 2026-11-21T10:00Z).",
        Required = required,
        CustomParser = ParseTime,
    };

    public static Option<TimeSpan?> Duration(string name, string description) => new(name)
    {
        Description = description + " As d.hh:mm:ss (7.00:00:00 is a week).",
        CustomParser = ParseDuration,
    };

    private static DateTimeOffset? ParseTime(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }

        result.AddError($"'{text}' is not an ISO-8601 date or time.");
        return null;
    }

    private static TimeSpan? ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value >= TimeSpan.Zero)
        {
            return value;
        }

        result.AddError($"'{text}' is not a duration (d.hh:mm:ss).");
        return null;
    }

    public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);
}
