using System.Text.Json;
using Serverless.Pipeline.Normalization;

namespace Serverless.Pipeline.Privacy.Erasure;

/// <summary>
/// Decides whether a stored line (a raw CloudEvent or a quarantine record) is about a person, exactly: its parsed
/// subject equals one of theirs, whole, or one of its JSON string values (or of the quarantined body's, parsed as
/// JSON) is one of their emails or phones, whole, in its raw or normalized form. Parsing undoes JSON escapes, so an
/// escaped identifier is found and <c>customer/1</c> never matches <c>customer/12</c>, nor <c>a@b.com</c> <c>aa@b.com</c>.
/// </summary>
public sealed class PersonMatcher
{
    private const int MaxDepth = 64;
    private readonly HashSet<string> _subjects;
    private readonly HashSet<string> _emails;
    private readonly HashSet<string> _phones;
    private readonly string _region;

    public PersonMatcher(IEnumerable<string> subjects, IEnumerable<string> emails, IEnumerable<string> phones, string defaultRegion)
    {
        ArgumentNullException.ThrowIfNull(emails);
        ArgumentNullException.ThrowIfNull(phones);
        _region = defaultRegion;
        _subjects = subjects.ToHashSet(StringComparer.Ordinal);
        _emails = emails.Select(ContactForms.Email).ToHashSet(StringComparer.Ordinal);
        _phones = phones.Select(p => ContactForms.Phone(p, defaultRegion)).OfType<string>().ToHashSet(StringComparer.Ordinal);
    }

    public bool IsAbout(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        using var document = JsonDocument.Parse(line);
        return IsAbout(document.RootElement, 0);
    }

    /// <summary>Whether the text names one of the person's emails or phones (in any of their forms).</summary>
    public bool IsIdentifier(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (_emails.Count > 0 && ContactForms.LooksLikeEmail(value) && _emails.Contains(ContactForms.Email(value)))
        {
            return true;
        }

        return _phones.Count > 0 && ContactForms.Phone(value, _region) is { } phone && _phones.Contains(phone);
    }

    private bool IsAbout(JsonElement element, int depth)
    {
        if (element.ValueKind == JsonValueKind.Object
            && element.TryGetProperty("subject", out var subject) && subject.ValueKind == JsonValueKind.String && _subjects.Contains(subject.GetString()!))
        {
            return true;
        }

        return NamesIdentifier(element, depth);
    }

    private bool NamesIdentifier(JsonElement element, int depth)
    {
        if (depth > MaxDepth)
        {
            return false;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "body" && property.Value.ValueKind == JsonValueKind.String && IsAboutEmbedded(property.Value.GetString()!, depth))
                    {
                        return true;
                    }

                    if (NamesIdentifier(property.Value, depth + 1))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (NamesIdentifier(item, depth + 1))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.String:
                return IsIdentifier(element.GetString()!);
            default:
                return false;
        }
    }

    // A quarantine record keeps the event as it arrived, as text: when that text is JSON, it is read like a line.
    private bool IsAboutEmbedded(string body, int depth)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return IsAbout(document.RootElement, depth + 1);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
