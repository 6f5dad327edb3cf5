using System.Globalization;
using Serverless.Pipeline.Events;

namespace Serverless.Pipeline.Storage;

/// <summary>
/// Names the blob that one batch writes for one tenant: by tenant and the UTC date and hour the stream accepted the
/// batch's first event, then the partition and sequence range. A redelivered batch gets the same name, so a blob
/// that exists already is the same batch and is never overwritten.
/// </summary>
public static class BlobBatchNames
{
    public static string For(string tenant, DateTimeOffset enqueuedTime, StreamPosition first, StreamPosition last) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{tenant}/{enqueuedTime.UtcDateTime:yyyy/MM/dd/HH}/p{SafePartition(first.PartitionId)}-{first.SequenceNumber:D19}-{last.SequenceNumber:D19}.jsonl.gz");

    private static string SafePartition(string partitionId) =>
        new(partitionId.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '_').ToArray());
}
