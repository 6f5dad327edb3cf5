using System.Buffers;
using System.Text;
using System.Text.Json;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Preparation;

/// <summary>
/// One forward pass over an event's data (<see cref="SchemaWalk"/>): validation against the compiled schema,
/// normalization, enrichment and pseudonymization at once, writing the stored and the pseudonymized copies as it reads.
/// The writers and their buffers are kept per thread and reused; only the two finished copies are allocated.
/// </summary>
internal static class EventPass
{
    [ThreadStatic]
    private static Writers? _threadWriters;

    public static EventPassResult Run(ReadOnlySpan<byte> data, EventSchema schema, FieldWriter fields)
    {
        var writers = _threadWriters ??= new Writers();
        writers.Reset();
        var violations = new List<Violation>();
        try
        {
            SchemaWalk.Run(data, schema.Compiled.Root, violations, writers.Stored, writers.Pseudonymized, fields);
        }
        finally
        {
            writers.Flush();
        }

        if (violations.Count > 0 || fields.NormalizationErrors is not null)
        {
            return new EventPassResult(violations, ReadOnlyMemory<byte>.Empty, string.Empty);
        }

        fields.Finish();
        return new EventPassResult([], writers.StoredBuffer.WrittenSpan.ToArray(), Encoding.UTF8.GetString(writers.PseudonymizedBuffer.WrittenSpan));
    }

    private sealed class Writers
    {
        private const int ShrinkAbove = 1 << 20;

        public ArrayBufferWriter<byte> StoredBuffer { get; private set; } = new(4096);
        public ArrayBufferWriter<byte> PseudonymizedBuffer { get; private set; } = new(4096);
        public Utf8JsonWriter Stored { get; } = new(Stream.Null);
        public Utf8JsonWriter Pseudonymized { get; } = new(Stream.Null);

        public void Reset()
        {
            // A rare very large event should not keep its buffers alive on the thread for ever.
            if (StoredBuffer.Capacity > ShrinkAbove)
            {
                StoredBuffer = new ArrayBufferWriter<byte>(4096);
                PseudonymizedBuffer = new ArrayBufferWriter<byte>(4096);
            }

            StoredBuffer.ResetWrittenCount();
            PseudonymizedBuffer.ResetWrittenCount();
            Stored.Reset(StoredBuffer);
            Pseudonymized.Reset(PseudonymizedBuffer);
        }

        public void Flush()
        {
            Stored.Flush();
            Pseudonymized.Flush();
        }
    }
}

/// <summary>The pass's verdict and, for a valid event, its two copies.</summary>
internal sealed record EventPassResult(IReadOnlyList<Violation> Violations, ReadOnlyMemory<byte> Stored, string Pseudonymized);
