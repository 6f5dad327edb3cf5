using System.Text.Json;
using Serverless.Pipeline.Normalization;
using Serverless.Pipeline.Preparation;

namespace Serverless.Pipeline.Archive;

/// <summary>
/// The raw archive: every stored event as a CloudEvents 1.0 JSON line (normalized data, the resolved schema version
/// its stream position and, when it has one, the trace it was ingested in, as extension attributes; then the
/// <c>enrichments</c> object when the schema declares any), one gzip JSON Lines blob per batch, partition and tenant.
/// </summary>
public static class RawArchive
{
    public static void WriteLine(Utf8JsonWriter writer, PreparedEvent prepared)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(prepared);
        var e = prepared.Event;
        writer.WriteStartObject();
        writer.WriteString("specversion", "1.0");
        writer.WriteString("id", e.Id);
        writer.WriteString("source", e.Source);
        writer.WriteString("type", e.Type);
        writer.WriteString("subject", e.Subject);
        Span<byte> time = stackalloc byte[TimestampNormalizer.MaxUtcLength];
        writer.WriteString("time"u8, time[..TimestampNormalizer.FormatUtf8(e.Time, time)]);
        writer.WriteString("tenant", e.Tenant);
        writer.WriteString("schemaversion", prepared.Schema.Version.ToString());
        writer.WriteString("streampartition", prepared.Incoming.Position.PartitionId);
        writer.WriteNumber("streamsequence", prepared.Incoming.Position.SequenceNumber);
        writer.WriteString("enqueuedtime"u8, time[..TimestampNormalizer.FormatUtf8(prepared.Incoming.EnqueuedTime, time)]);
        if (e.TraceParent is { } traceParent)
        {
            writer.WriteString(Telemetry.TraceParent.AttributeName, traceParent);
        }

        writer.WriteString("datacontenttype", "application/json");
        writer.WritePropertyName("data");
        writer.WriteRawValue(prepared.Data.Span, skipInputValidation: true);
        prepared.Enrichments.WriteTo(writer, pseudonymized: false);
        writer.WriteEndObject();
    }
}
