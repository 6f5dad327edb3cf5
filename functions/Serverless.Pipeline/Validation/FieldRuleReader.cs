using System.Text.Json;

namespace Serverless.Pipeline.Validation;

/// <summary>Reads the pipeline's own keywords (<c>x-normalize</c>, <c>x-pii</c>, <c>x-contact</c>, <c>x-enrich</c>) out of a schema document.</summary>
internal static class FieldRuleReader
{
    public static IReadOnlyList<FieldRule> Read(JsonElement schemaRoot)
    {
        var rules = new List<FieldRule>();
        Walk(schemaRoot, [], rules);
        return rules;
    }

    private static void Walk(JsonElement node, List<string> path, List<FieldRule> rules)
    {
        if (node.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var rule = ReadRule(node, path);
        if (rule is not null)
        {
            rules.Add(rule);
        }

        if (node.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                path.Add(property.Name);
                Walk(property.Value, path, rules);
                path.RemoveAt(path.Count - 1);
            }
        }

        if (node.TryGetProperty("items", out var items))
        {
            path.Add("*");
            Walk(items, path, rules);
            path.RemoveAt(path.Count - 1);
        }
    }

    private static FieldRule? ReadRule(JsonElement node, List<string> path)
    {
        var normalize = node.TryGetProperty("x-normalize", out var n) ? ParseEnum<NormalizeAs>(n, "x-normalize", path) : NormalizeAs.None;
        var contact = node.TryGetProperty("x-contact", out var c) ? ParseEnum<ContactField>(c, "x-contact", path) : ContactField.None;
        var isPii = node.TryGetProperty("x-pii", out var p) && p.ValueKind == JsonValueKind.True;
        var enrich = node.TryGetProperty("x-enrich", out var e) ? ParseEnrichment(e, path) : null;
        if (normalize == NormalizeAs.None && contact == ContactField.None && !isPii && enrich is null)
        {
            return null;
        }

        if (path.Count == 0)
        {
            throw new InvalidDataException("The pipeline keywords x-normalize, x-pii, x-contact and x-enrich apply to properties, not to the data root.");
        }

        return new FieldRule(path.ToArray(), normalize, isPii, contact, enrich);
    }

    private static EnrichmentRule ParseEnrichment(JsonElement value, List<string> path) =>
        value.ValueKind == JsonValueKind.String && EnrichmentRule.TryParse(value.GetString(), out var rule)
            ? rule!
            : throw new InvalidDataException($"Schema keyword 'x-enrich' at '{string.Join('.', path)}' must be one of: {EnrichmentRule.Accepted}.");

    private static T ParseEnum<T>(JsonElement value, string keyword, List<string> path)
        where T : struct, Enum
    {
        if (value.ValueKind == JsonValueKind.String && Enum.TryParse<T>(value.GetString(), ignoreCase: true, out var parsed))
        {
            return parsed;
        }

        throw new InvalidDataException(
            $"Schema keyword '{keyword}' at '{string.Join('.', path)}' must be one of: {string.Join(", ", Enum.GetNames<T>())}.");
    }
}
