using Azure.Data.Tables;
using Serverless.Pipeline.Events;

namespace Serverless.Pipeline.Views;

/// <summary>
/// Makes increments idempotent under redelivery. Each entity that counts remembers, per stream partition, the highest
/// sequence number it has counted; a redelivered event is at or below it and is not counted again. This holds because
/// a partition delivers in order and one customer's events always share a partition.
/// </summary>
internal static class Watermarks
{
    public const string Prefix = "wm_";

    public static string PropertyName(string partitionId) => Prefix + PropertyNames.Safe(partitionId);

    public static bool IsNew(TableEntity entity, StreamPosition position) =>
        position.SequenceNumber > (entity.GetInt64(PropertyName(position.PartitionId)) ?? -1);

    public static void Advance(TableEntity entity, StreamPosition position)
    {
        var name = PropertyName(position.PartitionId);
        if (position.SequenceNumber > (entity.GetInt64(name) ?? -1))
        {
            entity[name] = position.SequenceNumber;
        }
    }
}

/// <summary>Table property names must be identifiers: letters, digits and underscores, at most 255 characters.</summary>
internal static class PropertyNames
{
    public static string Safe(string value)
    {
        var safe = new string(value.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
        return safe.Length > 200 ? safe[..200] : safe;
    }

    public static string Count(string eventType) => "n_" + Safe(eventType);
}
