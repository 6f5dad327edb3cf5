namespace Serverless.Pipeline.Events;

/// <summary>Where an event sits in the partitioned stream (Event Hubs partition and sequence number).</summary>
public readonly record struct StreamPosition(string PartitionId, long SequenceNumber)
{
    public override string ToString() => $"{PartitionId}:{SequenceNumber}";
}
