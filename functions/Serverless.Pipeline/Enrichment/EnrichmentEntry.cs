using System.Text.Json;

namespace Serverless.Pipeline.Enrichment;

/// <summary>
/// What one enrichment derived from one field: named values in the order they were added, and why it is incomplete
/// when it is. Personal values carry their join key too, which the views show instead of the value.
/// </summary>
public sealed class EnrichmentEntry
{
    private readonly List<EnrichedValue> _values = new(4);

    public EnrichmentEntry(string field, string kind)
    {
        Field = field;
        Kind = kind;
    }

    /// <summary>The enriched field's path from the data root, dot-separated; array items by index (<c>items[0].phone</c>).</summary>
    public string Field { get; }

    public string Kind { get; }

    public string? Missing { get; private set; }

    public IReadOnlyList<EnrichedValue> Values => _values;

    public void Add(string name, string value) => _values.Add(new EnrichedValue(name, value, null, null));

    public void Add(string name, bool flag) => _values.Add(new EnrichedValue(name, null, flag, null));

    public void AddPersonal(string name, string value, string joinKey) => _values.Add(new EnrichedValue(name, value, null, joinKey));

    public string? Text(string name) => _values.FirstOrDefault(v => v.Name == name).Text;

    public bool? Flag(string name) => _values.FirstOrDefault(v => v.Name == name).Flag;

    /// <summary>Takes the values and the missing reason of an entry derived before from the same value.</summary>
    internal void CopyFrom(EnrichmentEntry derived)
    {
        _values.AddRange(derived._values);
        Missing ??= derived.Missing;
    }

    /// <summary>Marks the entry incomplete. The first reason wins: it is the one that stopped the rest.</summary>
    internal void SetMissing(string reason) => Missing ??= reason;

    /// <summary>Writes the entry; <paramref name="pseudonymized"/> writes join keys in place of personal values.</summary>
    public void WriteTo(Utf8JsonWriter writer, bool pseudonymized)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject(Field);
        writer.WriteString("kind", Kind);
        foreach (var value in _values)
        {
            if (value.Flag is { } flag)
            {
                writer.WriteBoolean(value.Name, flag);
            }
            else
            {
                writer.WriteString(value.Name, pseudonymized && value.JoinKey is not null ? value.JoinKey : value.Text);
            }
        }

        if (Missing is not null)
        {
            writer.WriteString("missing", Missing);
        }

        writer.WriteEndObject();
    }

    internal static EnrichmentEntry Read(JsonProperty property, Func<string, string> joinKey, IReadOnlySet<string> personal)
    {
        var entry = new EnrichmentEntry(property.Name, property.Value.GetProperty("kind").GetString()!);
        foreach (var value in property.Value.EnumerateObject())
        {
            switch (value.Name)
            {
                case "kind":
                    break;
                case "missing":
                    entry.SetMissing(value.Value.GetString()!);
                    break;
                case var name when value.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    entry.Add(name, value.Value.GetBoolean());
                    break;
                case var name when personal.Contains(entry.Kind + "." + name):
                    var text = value.Value.GetString()!;
                    entry.AddPersonal(name, text, joinKey(text));
                    break;
                case var name:
                    entry.Add(name, value.Value.GetString()!);
                    break;
            }
        }

        return entry;
    }
}

/// <summary>One derived value: text or a flag, and the join key of a personal text value.</summary>
public readonly record struct EnrichedValue(string Name, string? Text, bool? Flag, string? JoinKey);
