using System.Text.RegularExpressions;

namespace Serverless.Pipeline.Tests.Unit.Architecture;

/// <summary>Every log message of the library has an event id of its own, in its folder's range (docs/architecture.md).</summary>
public sealed partial class LogEventIdTests
{
    private const int RangeSize = 100;

    private static readonly Dictionary<string, int> RangeStart = new(StringComparer.Ordinal)
    {
        ["Archive"] = 3000, ["Composition"] = 3100, ["Configuration"] = 3200, ["Dedupe"] = 3300, ["Enrichment"] = 3400,
        ["Events"] = 3500, ["Http"] = 3600, ["Ingestion"] = 3700, ["Keys"] = 3800, ["Normalization"] = 3900,
        ["Preparation"] = 4000, ["Privacy"] = 4100, ["Problems"] = 4200, ["Processing"] = 4300, ["Recovery"] = 4400,
        ["Resilience"] = 4500, ["Storage"] = 4600, ["Suppression"] = 4700, ["Telemetry"] = 4800, ["Validation"] = 4900,
        ["Views"] = 5000,
    };

    [Fact]
    public void LoggerMessages_InTheLibrary_HaveUniqueEventIdsInTheirFoldersRange()
    {
        var root = Path.Combine(RepositoryPaths.Root, "functions", "Serverless.Pipeline");
        var messages = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/'))
            .Where(relative => !relative.StartsWith("obj/", StringComparison.Ordinal) && !relative.StartsWith("bin/", StringComparison.Ordinal))
            .SelectMany(relative => LoggerMessage().Matches(File.ReadAllText(Path.Combine(root, relative)))
                .Select(m => (File: relative, Folder: relative.Split('/')[0], Id: m.Groups["id"].Success ? int.Parse(m.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture) : (int?)null)))
            .ToList();

        Assert.NotEmpty(messages);
        Assert.Empty(messages.Where(m => m.Id is null).Select(m => m.File));
        Assert.Empty(messages.Where(m => !RangeStart.TryGetValue(m.Folder, out var start) || m.Id < start || m.Id >= start + RangeSize)
            .Select(m => $"{m.File}: {m.Id}"));
        Assert.Empty(messages.GroupBy(m => m.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.File))}"));
    }

    [GeneratedRegex(@"\[LoggerMessage\((?:EventId = (?<id>\d+))?")]
    private static partial Regex LoggerMessage();
}
