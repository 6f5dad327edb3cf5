using System.Text.Json;
using Serverless.Pipeline.Events;

namespace Serverless.Pipeline.Validation;

/// <summary>
/// The versioned JSON Schemas, one file per event type and SchemaVer version (<c>{type}/{M-R-A}.json</c>). The schemas
/// shipped with the pipeline are embedded; operators can add or override them from a directory of the same layout.
/// </summary>
public sealed class SchemaRegistry
{
    private const string ResourcePrefix = "schema:";
    private readonly Dictionary<string, SortedList<SchemaVersion, EventSchema>> _byType;

    private SchemaRegistry(Dictionary<string, SortedList<SchemaVersion, EventSchema>> byType) => _byType = byType;

    public IEnumerable<EventSchema> All => _byType.Values.SelectMany(v => v.Values);

    /// <summary>Loads the embedded schemas, then those under <paramref name="directory"/> if one is given.</summary>
    public static async Task<SchemaRegistry> LoadAsync(string? directory, CancellationToken cancellationToken)
    {
        var byType = new Dictionary<string, SortedList<SchemaVersion, EventSchema>>(StringComparer.Ordinal);
        var assembly = typeof(SchemaRegistry).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var relative = name[ResourcePrefix.Length..].Replace('\\', '/');
            await using var stream = assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"Embedded schema '{name}' is missing.");
            using var reader = new StreamReader(stream);
            Add(byType, relative, await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false));
        }

        if (!string.IsNullOrWhiteSpace(directory))
        {
            foreach (var file in Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(directory, file).Replace('\\', '/');
                Add(byType, relative, await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false));
            }
        }

        return new SchemaRegistry(byType);
    }

    /// <summary>
    /// Finds the schema for an event: the version named by the last segment of <c>dataschema</c> when the event gives
    /// one (<c>…/1-0-2</c> or <c>…/1-0-2.json</c>), otherwise the newest version of the type.
    /// </summary>
    public SchemaResolution Resolve(string eventType, string? dataSchema)
    {
        if (!_byType.TryGetValue(eventType, out var versions))
        {
            return new SchemaResolution(null, Rejection.Of(RejectionReason.UnknownEventType, "$.type", "enum",
                $"No schema is registered for event type '{eventType}'."));
        }

        if (string.IsNullOrEmpty(dataSchema))
        {
            return new SchemaResolution(versions.Values[^1], null);
        }

        var segment = dataSchema.TrimEnd('/');
        segment = segment[(segment.LastIndexOfAny(['/', ':']) + 1)..];
        if (segment.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            segment = segment[..^5];
        }

        if (SchemaVersion.TryParse(segment, out var version) && versions.TryGetValue(version.Value, out var schema))
        {
            return new SchemaResolution(schema, null);
        }

        return new SchemaResolution(null, Rejection.Of(RejectionReason.UnknownSchemaVersion, "$.dataschema", "enum",
            $"Event type '{eventType}' has no schema version '{segment}'; known versions: {string.Join(", ", versions.Keys)}."));
    }

    private static JsonDocument ParseSchema(string relativePath, string text)
    {
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Schema '{relativePath}' is not valid JSON: {ex.Message}", ex);
        }
    }

    private static void Add(Dictionary<string, SortedList<SchemaVersion, EventSchema>> byType, string relativePath, string text)
    {
        var parts = relativePath.Split('/');
        if (parts.Length != 2 || !parts[1].EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            || !SchemaVersion.TryParse(parts[1][..^5], out var version))
        {
            throw new InvalidDataException($"Schema file '{relativePath}' must be named '{{event type}}/{{M-R-A}}.json'.");
        }

        var eventType = parts[0];
        using var document = ParseSchema(relativePath, text);
        var rules = FieldRuleReader.Read(document.RootElement);
        CompiledSchema? compiled;
        string? unsupported;
        try
        {
            CompiledSchema.TryCompile(document.RootElement, rules, out compiled, out unsupported);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"Schema '{relativePath}': {ex.Message}", ex);
        }

        if (compiled is null)
        {
            throw new InvalidDataException(
                $"Schema '{relativePath}' uses the keyword '{unsupported}', which the event pass does not check; supported keywords: {string.Join(", ", CompiledSchema.Supported.Order(StringComparer.Ordinal))}.");
        }
        if (!byType.TryGetValue(eventType, out var versions))
        {
            versions = [];
            byType[eventType] = versions;
        }

        versions[version.Value] = new EventSchema(eventType, version.Value, compiled!, rules);
    }
}
