using System.Text.Encodings.Web;
using System.Text.Json;

namespace Serverless.Local.Tests;

/// <summary>
/// Every form in which an identifier of a person can sit in storage: as given, normalized, JSON-escaped (strict and
/// relaxed encoders), escaped twice (JSON inside a quarantined body) and percent-escaped (table keys).
/// </summary>
internal sealed class PersonTrace
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly List<string> _needles;

    public PersonTrace(params string[] identifiers)
    {
        _needles = identifiers.SelectMany(Forms).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    public IReadOnlyList<string> Needles => _needles;

    /// <summary>The first form of an identifier found in the item (its address or its text), or null.</summary>
    public string? FoundIn((string Where, string Text) item) =>
        _needles.FirstOrDefault(n => item.Where.Contains(n, StringComparison.OrdinalIgnoreCase) || item.Text.Contains(n, StringComparison.OrdinalIgnoreCase));

    public bool Mentions(string text) => _needles.Any(n => text.Contains(n, StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<string> Forms(string value)
    {
        foreach (var escaped in new[] { JsonSerializer.Serialize(value), JsonSerializer.Serialize(value, Relaxed) })
        {
            yield return escaped[1..^1];
            yield return JsonSerializer.Serialize(escaped)[1..^1];
        }

        yield return value;
        yield return Uri.EscapeDataString(value);
        yield return value.Replace("/", "%2F", StringComparison.Ordinal);
    }
}
