using System.Text.Json;
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

    /// <summary>
    /// The identifiers in an event's data, read from its bytes: a rejected event may repeat a name or be no tree at all,
    /// and its identifiers must still be found. What cannot be read past a syntax error is left out.
    /// </summary>
    public static EventIdentifiers Read(Events.PipelineEvent pipelineEvent, string defaultRegion)
    {
        ArgumentNullException.ThrowIfNull(pipelineEvent);
        var emails = new SortedSet<string>(StringComparer.Ordinal);
        var phones = new SortedSet<string>(StringComparer.Ordinal);
        var underPhone = new Stack<bool>();
        var reader = new Utf8JsonReader(pipelineEvent.DataUtf8.Span, new JsonReaderOptions { MaxDepth = MaxDepth + 1 });
        var phoneName = false;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        phoneName = PhoneNames.Any(p => name.Contains(p, StringComparison.OrdinalIgnoreCase));
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        underPhone.Push((underPhone.Count > 0 && underPhone.Peek()) || phoneName);
                        phoneName = false;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        underPhone.TryPop(out _);
                        break;
                    case JsonTokenType.String:
                        Add(reader.GetString()!, (underPhone.Count > 0 && underPhone.Peek()) || phoneName, defaultRegion, emails, phones);
                        phoneName = false;
                        break;
                    default:
                        phoneName = false;
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Keep what was read before the data stopped being JSON.
        }

        return emails.Count == 0 && phones.Count == 0 ? None : new EventIdentifiers([.. emails], [.. phones]);
    }

    private static void Add(string text, bool underPhone, string region, SortedSet<string> emails, SortedSet<string> phones)
    {
        if (ContactForms.LooksLikeEmail(text))
        {
            emails.Add(ContactForms.Email(text));
        }
        else if (underPhone && ContactForms.Phone(text, region) is { } phone)
        {
            phones.Add(phone);
        }
    }

    /// <summary>Each identifier as a contact of its own, the shape the identity index and suppression read.</summary>
    public IEnumerable<IReadOnlyDictionary<ContactField, string>> AsContacts() =>
        Emails.Select(e => (IReadOnlyDictionary<ContactField, string>)new Dictionary<ContactField, string> { [ContactField.Email] = e })
            .Concat(Phones.Select(p => (IReadOnlyDictionary<ContactField, string>)new Dictionary<ContactField, string> { [ContactField.Phone] = p }));
}
