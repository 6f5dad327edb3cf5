using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Pipeline.Normalization;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Preparation;

/// <summary>
/// The emails and phones found in an event that failed a check, each in its canonical form (see
/// <see cref="ContactForms"/>): every string that looks like an email, and every string under a property whose name
/// says phone, wherever they are. A rejected event cannot be trusted to put them where its schema says.
/// </summary>
public sealed record EventIdentifiers(IReadOnlyList<string> Emails, IReadOnlyList<string> Phones)
{
    private const int MaxDepth = 64;
    private static readonly string[] PhoneNames = ["phone", "mobile", "tel"];

    public static readonly EventIdentifiers None = new([], []);

    public bool IsEmpty => Emails.Count == 0 && Phones.Count == 0;

    /// <summary>The identifiers in an event's data; none when the data cannot be read as one JSON object (it repeats a name).</summary>
    public static EventIdentifiers Read(Events.PipelineEvent pipelineEvent, string defaultRegion)
    {
        ArgumentNullException.ThrowIfNull(pipelineEvent);
        JsonObject data;
        try
        {
            data = pipelineEvent.ParseData();
            _ = data.Count;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            return None;
        }

        return Read(data, defaultRegion);
    }

    public static EventIdentifiers Read(JsonNode? data, string defaultRegion)
    {
        var emails = new SortedSet<string>(StringComparer.Ordinal);
        var phones = new SortedSet<string>(StringComparer.Ordinal);
        Walk(data, false, 0, defaultRegion, emails, phones);
        return emails.Count == 0 && phones.Count == 0 ? None : new EventIdentifiers([.. emails], [.. phones]);
    }

    /// <summary>Each identifier as a contact of its own, the shape the identity index and suppression read.</summary>
    public IEnumerable<IReadOnlyDictionary<ContactField, string>> AsContacts() =>
        Emails.Select(e => (IReadOnlyDictionary<ContactField, string>)new Dictionary<ContactField, string> { [ContactField.Email] = e })
            .Concat(Phones.Select(p => (IReadOnlyDictionary<ContactField, string>)new Dictionary<ContactField, string> { [ContactField.Phone] = p }));

    private static void Walk(JsonNode? node, bool underPhone, int depth, string region, SortedSet<string> emails, SortedSet<string> phones)
    {
        if (node is null || depth > MaxDepth)
        {
            return;
        }

        switch (node.GetValueKind())
        {
            case JsonValueKind.Object:
                foreach (var (name, child) in node.AsObject())
                {
                    Walk(child, underPhone || PhoneNames.Any(p => name.Contains(p, StringComparison.OrdinalIgnoreCase)), depth + 1, region, emails, phones);
                }

                break;
            case JsonValueKind.Array:
                foreach (var child in node.AsArray())
                {
                    Walk(child, underPhone, depth + 1, region, emails, phones);
                }

                break;
            case JsonValueKind.String:
                var text = node.GetValue<string>();
                if (ContactForms.LooksLikeEmail(text))
                {
                    emails.Add(ContactForms.Email(text));
                }
                else if (underPhone && ContactForms.Phone(text, region) is { } phone)
                {
                    phones.Add(phone);
                }

                break;
        }
    }
}
