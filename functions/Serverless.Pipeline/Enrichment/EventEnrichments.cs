using System.Buffers;
using System.Text;
using System.Text.Json;
using Serverless.Pipeline.Telemetry;

namespace Serverless.Pipeline.Enrichment;

/// <summary>
/// The <c>enrichments</c> object of one event: an entry per enriched field, keyed by the field's path. The raw archive
/// holds it as derived; the views hold it with personal values replaced by their join keys.
/// </summary>
public sealed class EventEnrichments
{
    /// <summary>Derived values that are personal data (<c>{kind}.{name}</c>): pseudonymized in the views like <c>x-pii</c> fields.</summary>
    public static readonly IReadOnlySet<string> PersonalValues = new HashSet<string>(StringComparer.Ordinal)
    {
        "ip.network", "ip.city", "pageUrl.gclid", "pageUrl.fbclid",
    };

    private readonly List<EnrichmentEntry> _entries = [];
    private List<PendingLookup>? _pending;

    public IReadOnlyList<EnrichmentEntry> Entries => _entries;

    public bool IsEmpty => _entries.Count == 0;

    /// <summary>Reference lookups that wait for the batch's Table storage step.</summary>
    internal IReadOnlyList<PendingLookup> Pending => (IReadOnlyList<PendingLookup>?)_pending ?? [];

    public EnrichmentEntry? this[string field] => _entries.Find(e => e.Field == field);

    internal EnrichmentEntry Start(string field, string kind)
    {
        var entry = new EnrichmentEntry(field, kind);
        _entries.Add(entry);
        return entry;
    }

    /// <summary>Puts the entries in the order of <paramref name="keys"/> (one per entry, as added), keeping equal keys as added.</summary>
    internal void Reorder(IReadOnlyList<int> keys)
    {
        if (IsAscending(keys))
        {
            return;
        }

        var ordered = _entries.Select((entry, i) => (entry, key: keys[i])).OrderBy(e => e.key).Select(e => e.entry).ToList();
        _entries.Clear();
        _entries.AddRange(ordered);
    }

    private static bool IsAscending(IReadOnlyList<int> keys)
    {
        for (var i = 1; i < keys.Count; i++)
        {
            if (keys[i] < keys[i - 1])
            {
                return false;
            }
        }

        return true;
    }

    internal void Defer(PendingLookup lookup) => (_pending ??= []).Add(lookup);

    internal void ClearPending() => _pending = null;

    /// <summary>Marks an entry incomplete and counts it, by kind and reason (never by value).</summary>
    internal static void MarkMissing(EnrichmentEntry entry, string reason, string tenant)
    {
        entry.SetMissing(reason);
        CountMissing(entry.Kind, reason, tenant);
    }

    /// <summary>Counts an incomplete entry, by kind and reason (never by value).</summary>
    internal static void CountMissing(string kind, string reason, string tenant) =>
        PipelineTelemetry.EnrichmentsMissing.Add(1,
            new KeyValuePair<string, object?>(PipelineTelemetry.Tags.Kind, kind),
            new KeyValuePair<string, object?>(PipelineTelemetry.Tags.Reason, reason),
            new KeyValuePair<string, object?>(PipelineTelemetry.Tags.Tenant, tenant));

    /// <summary>Writes <c>"enrichments": {…}</c>, or nothing when the event has none.</summary>
    public void WriteTo(Utf8JsonWriter writer, bool pseudonymized)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (!IsEmpty)
        {
            writer.WritePropertyName("enrichments");
            WriteObject(writer, pseudonymized);
        }
    }

    /// <summary>The object as the views hold it (personal values as join keys), or null when the event has none.</summary>
    public string? ToViewJson() => IsEmpty ? null : Serialize(pseudonymized: true);

    public override string ToString() => Serialize(pseudonymized: false);

    /// <summary>Reads the object back from a raw archive line, for rebuilding views.</summary>
    public static EventEnrichments Read(JsonElement line, Func<string, string> joinKey)
    {
        var enrichments = new EventEnrichments();
        if (line.TryGetProperty("enrichments", out var element) && element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                enrichments._entries.Add(EnrichmentEntry.Read(property, joinKey, PersonalValues));
            }
        }

        return enrichments;
    }

    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? _threadWriter;

    // One buffer and writer per thread, reset per call: the views' copy is written for every event.
    private string Serialize(bool pseudonymized)
    {
        var (buffer, writer) = _threadWriter ??= NewWriter();
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        WriteObject(writer, pseudonymized);
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static (ArrayBufferWriter<byte>, Utf8JsonWriter) NewWriter()
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        return (buffer, new Utf8JsonWriter(buffer));
    }

    private void WriteObject(Utf8JsonWriter writer, bool pseudonymized)
    {
        writer.WriteStartObject();
        foreach (var entry in _entries)
        {
            entry.WriteTo(writer, pseudonymized);
        }

        writer.WriteEndObject();
    }
}
/// <summary>A reference-table lookup found during preparation, resolved once per batch against Table storage.</summary>
internal sealed record PendingLookup(EnrichmentEntry Entry, string Tenant, string Table, string Key);
