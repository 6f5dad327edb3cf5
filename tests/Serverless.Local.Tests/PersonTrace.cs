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
    private static readonly string[] Containers = ["raw", "quarantine"];
    private static readonly string[] Tables = ["customers", "identities", "eventids"];
    private static readonly string[] Volatile = ["Timestamp=", "odata.etag=", "ClaimedAt="];
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

    /// <summary>Each item (address without the storage prefix) in which a form of an identifier was found, with that form.</summary>
    public List<string> Left(IEnumerable<(string Where, string Text)> everything) =>
        everything.Select(item => (item.Where, Form: FoundIn(item))).Where(x => x.Form is not null).Select(x => $"{x.Form} in {x.Where}").ToList();

    /// <summary>
    /// Every line of the archive and quarantine, and every entity of the customer, identity and ledger tables, that
    /// does not mention the person, sorted (addresses without the storage prefix).
    /// </summary>
    public List<string> OthersOf(IEnumerable<(string Where, string Text)> everything)
    {
        var items = everything.ToList();
        return items
            .Where(item => Containers.Any(c => item.Where.StartsWith(c + "/", StringComparison.Ordinal)))
            .SelectMany(item => item.Text.Split('\n').Skip(1).Where(line => line.Length > 0))
            .Concat(items
                .Where(item => Tables.Any(t => item.Where.StartsWith(t + "/", StringComparison.Ordinal)))
                .Select(item => item.Where + "\n" + string.Join("\n", item.Text.Split('\n').Where(line => !Volatile.Any(v => line.StartsWith(v, StringComparison.Ordinal))))))
            .Where(text => !Mentions(text))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

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
