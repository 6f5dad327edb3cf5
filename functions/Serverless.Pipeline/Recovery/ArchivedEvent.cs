using System.Globalization;
using System.Text.Json;
using System.Text;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Preparation;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Recovery;

/// <summary>
/// A stored event read back from the raw archive, as the processing stage had it when it wrote the views: the data
/// is already normalized, so the contact fields are read straight from it under the schema version it was stored with.
/// </summary>
public sealed record ArchivedEvent(PreparedEvent Prepared, string Blob)
{
    public string Tenant => Prepared.Event.Tenant;
    public string Subject => Prepared.Event.Subject;
    public StreamPosition Position => Prepared.Incoming.Position;

    /// <summary>The order the live pipeline processed events in: by enqueue time, then stream position.</summary>
    public static IComparer<ArchivedEvent> ProcessingOrder { get; } = Comparer<ArchivedEvent>.Create((a, b) =>
    {
        var byTime = a.Prepared.Incoming.EnqueuedTime.CompareTo(b.Prepared.Incoming.EnqueuedTime);
        if (byTime != 0)
        {
            return byTime;
        }

        var byPartition = string.CompareOrdinal(a.Position.PartitionId, b.Position.PartitionId);
        return byPartition != 0 ? byPartition : a.Position.SequenceNumber.CompareTo(b.Position.SequenceNumber);
    });

    // Stored phones are in E.164 already, which reads the same in every region; "ZZ" is libphonenumber's unknown region.
    private const string StoredPhoneRegion = "ZZ";

    /// <summary>Reads one raw archive line (see <see cref="Archive.RawArchive"/>).</summary>
    public static ArchivedEvent Read(JsonElement line, string blob, SchemaRegistry schemas, Pseudonymizer pseudonymizer)
    {
        ArgumentNullException.ThrowIfNull(schemas);
        ArgumentNullException.ThrowIfNull(pseudonymizer);
        var type = line.GetProperty("type").GetString()!;
        var version = line.GetProperty("schemaversion").GetString()!;
        var schema = schemas.Resolve(type, version).Schema
            ?? throw new InvalidDataException($"Blob '{blob}' holds an event of type '{type}' stored under schema version {version}, which is not registered: load that schema to rebuild.");
        var pipelineEvent = new PipelineEvent
        {
            Id = line.GetProperty("id").GetString()!,
            Source = line.GetProperty("source").GetString()!,
            Type = type,
            Subject = line.GetProperty("subject").GetString()!,
            Tenant = line.GetProperty("tenant").GetString()!,
            Time = ParseTime(line.GetProperty("time")),
            DataUtf8 = Encoding.UTF8.GetBytes(line.GetProperty("data").GetRawText()),
        };
        var incoming = new IncomingEvent(ReadOnlyMemory<byte>.Empty,
            new StreamPosition(line.GetProperty("streampartition").GetString()!, line.GetProperty("streamsequence").GetInt64()),
            ParseTime(line.GetProperty("enqueuedtime")));

        // The stored data is normalized already, so the pass changes nothing in it; it yields the pseudonymized copy and
        // the contact fields exactly as processing did. Enrichments are read back as stored, not derived again.
        var fields = new FieldWriter(pipelineEvent.Tenant, StoredPhoneRegion, pseudonymizer, enricher: null);
        var result = EventPass.Run(pipelineEvent.DataUtf8.Span, schema, fields);
        if (result.Violations.Count > 0 || fields.NormalizationErrors is not null)
        {
            throw new InvalidDataException($"Blob '{blob}' holds event '{pipelineEvent.Id}' whose data no longer passes schema {type} {version}.");
        }

        var prepared = new PreparedEvent(incoming, pipelineEvent, schema, fields.Contact, pipelineEvent.DataUtf8, result.Pseudonymized)
        {
            Enrichments = Enrichment.EventEnrichments.Read(line, value => pseudonymizer.JoinKey(pipelineEvent.Tenant, value)),
        };
        return new ArchivedEvent(prepared, blob);
    }

    private static DateTimeOffset ParseTime(JsonElement value) =>
        DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
