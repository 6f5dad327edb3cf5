using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Pipeline.Tests.Support.Differential;

/// <summary>
/// Where JsonSchema.Net 8.0.5 departs from JSON Schema itself, and the compiled plan follows the specification (the
/// contract says so): documents that reach these are left out of the equality comparison, and the plan is held to the
/// specification on hand-written cases instead.
/// <list type="number">
/// <item><c>minLength</c>/<c>maxLength</c>: JsonSchema.Net counts grapheme clusters (<c>StringInfo.LengthInTextElements</c>);
/// JSON Schema counts code points. They differ for combining marks (<c>e</c>+U+0301), flags (two regional
/// indicators), CR LF, emoji with modifiers or joiners.</item>
/// <item><c>uniqueItems</c>: JsonSchema.Net finds duplicates through a hash that, inside arrays and objects, hashes a
/// number by its text: <c>[[1],[1.0]]</c> and <c>[{"a":1},{"a":1.0}]</c> pass, though JSON Schema says those items are
/// equal (top-level numbers are hashed by value, so <c>[1,1.0]</c> fails in both).</item>
/// </list>
/// </summary>
internal static class KnownOracleDeviations
{
    public static readonly string DeviationSchema = """
        {
          "$schema": "http://json-schema.org/draft-07/schema#",
          "type": "object",
          "properties": {
            "atMostOne": { "type": "string", "maxLength": 1 },
            "atLeastTwo": { "type": "string", "minLength": 2 },
            "unique": { "type": "array", "uniqueItems": true }
          }
        }
        """;

    /// <summary>Documents for <see cref="DeviationSchema"/> with the violations JSON Schema requires (empty = valid).</summary>
    public static readonly IReadOnlyList<(string Why, string Data, ViolationKey[] Specified)> Cases =
    [
        ("e + combining acute: 2 code points, 1 grapheme", "{\"atMostOne\":\"e\u0301\"}", [new("$.data.atMostOne", "maxLength")]),
        ("flag of France: 2 regional indicators, 1 grapheme", "{\"atMostOne\":\"\U0001F1EB\U0001F1F7\"}", [new("$.data.atMostOne", "maxLength")]),
        ("CR LF: 2 code points, 1 grapheme", """{"atMostOne":"\r\n"}""", [new("$.data.atMostOne", "maxLength")]),
        ("thumbs up + skin tone: 2 code points, 1 grapheme", "{\"atMostOne\":\"\U0001F44D\U0001F3FD\"}", [new("$.data.atMostOne", "maxLength")]),
        ("e + combining acute is long enough for minLength 2", "{\"atLeastTwo\":\"e\u0301\"}", []),
        ("nested arrays [1] and [1.0] are equal", """{"unique":[[1],[1.0]]}""", [new("$.data.unique", "uniqueItems")]),
        ("objects {a:1} and {a:1.0} are equal", """{"unique":[{"a":1},{"a":1.0}]}""", [new("$.data.unique", "uniqueItems")]),
        ("objects {a:[2.50]} and {a:[2.5]} are equal", """{"unique":[{"a":[2.50]},{"a":[2.5]}]}""", [new("$.data.unique", "uniqueItems")]),
    ];

    /// <summary>Why a document reaches a known deviation for this schema, or null when it does not.</summary>
    public static string? Find(GeneratorSchemaNode schema, JsonNode? data)
    {
        switch (data)
        {
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                var graphemes = new StringInfo(text).LengthInTextElements;
                var codePoints = DocumentGenerator.CodePoints(text);
                var min = schema.Count("minLength");
                var max = schema.Count("maxLength");
                if ((min is { } low && (graphemes >= low) != (codePoints >= low)) || (max is { } high && (graphemes <= high) != (codePoints <= high)))
                {
                    return $"a string of {codePoints} code points in {graphemes} grapheme clusters under minLength/maxLength";
                }

                return null;
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    if (schema.Child(name) is { } childSchema && Find(childSchema, child) is { } reason)
                    {
                        return reason;
                    }
                }

                return null;
            case JsonArray array:
                if (schema.Flag("uniqueItems"))
                {
                    for (var i = 0; i < array.Count; i++)
                    {
                        for (var j = i + 1; j < array.Count; j++)
                        {
                            if (array[i] is JsonObject or JsonArray && JsonText.SpecEqual(array[i], array[j])
                                && JsonText.CanonicalRaw(array[i]) != JsonText.CanonicalRaw(array[j]))
                            {
                                return $"uniqueItems over equal containers written with different numbers (items {i} and {j})";
                            }
                        }
                    }
                }

                return schema.Items is { } items ? array.Select(item => Find(items, item)).FirstOrDefault(r => r is not null) : null;
            default:
                return null;
        }
    }
}
