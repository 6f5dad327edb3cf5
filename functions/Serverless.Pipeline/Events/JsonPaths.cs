using System.Text.Json.Nodes;

namespace Serverless.Pipeline.Events;

/// <summary>Finds the values a schema rule's path points at (with <c>*</c> for array items) in a JSON object.</summary>
internal static class JsonPaths
{
    public readonly record struct Key(string? Name, int Index);

    public static IEnumerable<(JsonNode Parent, Key Key, JsonNode? Value)> Leaves(JsonObject root, IReadOnlyList<string> path)
    {
        var results = new List<(JsonNode, Key, JsonNode?)>();
        Collect(root, path, 0, results);
        return results;
    }

    public static void Set(JsonNode parent, Key key, JsonNode? value)
    {
        if (parent is JsonObject obj)
        {
            obj[key.Name!] = value;
        }
        else
        {
            ((JsonArray)parent)[key.Index] = value;
        }
    }

    private static void Collect(JsonNode node, IReadOnlyList<string> path, int depth, List<(JsonNode, Key, JsonNode?)> results)
    {
        var segment = path[depth];
        var last = depth == path.Count - 1;
        if (segment == "*")
        {
            if (node is not JsonArray array)
            {
                return;
            }

            for (var i = 0; i < array.Count; i++)
            {
                Visit(array, new Key(null, i), array[i], path, depth, last, results);
            }
        }
        else if (node is JsonObject obj && obj.TryGetPropertyValue(segment, out var child))
        {
            Visit(obj, new Key(segment, 0), child, path, depth, last, results);
        }
    }

    private static void Visit(JsonNode parent, Key key, JsonNode? child, IReadOnlyList<string> path, int depth, bool last, List<(JsonNode, Key, JsonNode?)> results)
    {
        if (last)
        {
            results.Add((parent, key, child));
        }
        else if (child is not null)
        {
            Collect(child, path, depth + 1, results);
        }
    }
}
