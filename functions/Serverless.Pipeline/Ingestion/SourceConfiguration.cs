using Microsoft.Extensions.Configuration;
using Serverless.Pipeline.Configuration;

namespace Serverless.Pipeline.Ingestion;

/// <summary>
/// Reads <c>Pipeline:Sources</c> the same way in both hosts. The list form is the documented one
/// (<c>"Sources": [{"Name": "crm-hub", ...}]</c>, or <c>Pipeline__Sources__0__Name=crm-hub</c> as app settings); the
/// keyed form (<c>Pipeline:Sources:crm_hub:...</c>) is still read, its key being the name unless <c>Name</c> says
/// otherwise, because an app setting name cannot hold a hyphen.
/// </summary>
public static class SourceConfiguration
{
    public const string SectionKey = PipelineOptions.SectionName + ":Sources";

    public static IReadOnlyList<ConfiguredSource> Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var sources = new List<ConfiguredSource>();
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var child in configuration.GetSection(SectionKey).GetChildren())
        {
            var options = child.Get<SourceOptions>() ?? new SourceOptions();
            var isListItem = child.Key.All(char.IsAsciiDigit);
            var name = string.IsNullOrWhiteSpace(options.Name) ? (isListItem ? null : child.Key) : options.Name.Trim();
            if (name is null)
            {
                throw new MisconfigurationException([child.Path + ":Name"], $"Source {child.Key} of {SectionKey} has no Name; a source's name is its route /api/ingest/{{name}}.");
            }

            if (names.TryGetValue(name, out var other))
            {
                throw new MisconfigurationException([child.Path, other], $"Two sources of {SectionKey} are named '{name}' ({other} and {child.Path}).");
            }

            names[name] = child.Path;
            sources.Add(new ConfiguredSource(name, options));
        }

        return sources;
    }

    /// <summary>The configured sources' names, for people (start-up messages), without checking them.</summary>
    public static IEnumerable<string> Names(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetSection(SectionKey).GetChildren()
            .Select(child => child["Name"] is { Length: > 0 } name ? name : child.Key);
    }
}
