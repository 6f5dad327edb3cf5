using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Pipeline.Privacy.Workflows;

/// <summary>
/// What a subject access export shows of a customer's view rows: the person's data in camelCase, without the
/// pipeline's bookkeeping (watermarks, per-type counters, activity keys, blob names, storage timestamps).
/// </summary>
public static class ExportShape
{
    // Bookkeeping columns of the view rows: stream watermarks (wm_*), per-type counters (n_*, lossy names: the export
    // counts by the events' own types instead), and what only the store needs.
    private static readonly string[] InternalPrefixes = ["wm_", "n_", "odata."];
    private static readonly HashSet<string> InternalNames = new(StringComparer.Ordinal)
    {
        "PartitionKey", "RowKey", "Timestamp", "ActivityKeys", "RawBlob", "TimeText",
    };

    // Columns that hold JSON text: exported as the JSON they hold.
    private static readonly HashSet<string> JsonColumns = new(StringComparer.Ordinal) { "Data", "Enrichments" };

    public static JsonObject? Profile(JsonObject? row, JsonArray events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (row is null)
        {
            return null;
        }

        var profile = Row(row);
        var byType = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var type in events.Select(e => e?["type"]?.GetValue<string>()).OfType<string>())
        {
            byType[type] = byType.GetValueOrDefault(type) + 1;
        }

        profile["eventCountsByType"] = JsonSerializer.SerializeToNode(byType);
        return profile;
    }

    public static JsonArray Activity(JsonArray rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return new JsonArray([.. rows.OfType<JsonObject>().Select(r => (JsonNode)Row(r))]);
    }

    private static JsonObject Row(JsonObject row)
    {
        var shaped = new JsonObject();
        foreach (var (name, value) in row)
        {
            if (InternalNames.Contains(name) || InternalPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
            {
                continue;
            }

            shaped[CamelCase(name)] = JsonColumns.Contains(name) && value is JsonValue text && text.TryGetValue<string>(out var json)
                ? ParseOrKeep(json)
                : value?.DeepClone();
        }

        return shaped;
    }

    private static JsonNode? ParseOrKeep(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return JsonValue.Create(json);
        }
    }

    private static string CamelCase(string name) => name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
