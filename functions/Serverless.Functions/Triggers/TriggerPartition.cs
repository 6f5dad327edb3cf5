using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Serverless.Functions.Triggers;

/// <summary>
/// The partition an Event Hubs batch came from. EventData carries no partition id; the trigger passes the partition
/// context as binding data instead, which reaches the isolated worker as JSON
/// (<c>{"FullyQualifiedNamespace":…,"EventHubName":…,"ConsumerGroup":…,"PartitionId":"3"}</c>).
/// </summary>
public static class TriggerPartition
{
    // Extension 5.x and later pass "PartitionContext"; newer releases also pass "TriggerPartitionContext".
    private static readonly string[] BindingDataKeys = ["PartitionContext", "TriggerPartitionContext"];

    public static string IdFrom(IReadOnlyDictionary<string, object?> bindingData)
    {
        ArgumentNullException.ThrowIfNull(bindingData);
        foreach (var key in BindingDataKeys)
        {
            if (bindingData.TryGetValue(key, out var value) && value is string json && TryReadPartitionId(json, out var partitionId))
            {
                return partitionId;
            }
        }

        throw new InvalidOperationException("The Event Hubs trigger passed no partition context, so the batch's partition is unknown.");
    }

    private static bool TryReadPartitionId(string json, [NotNullWhen(true)] out string? partitionId)
    {
        partitionId = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name.Equals("PartitionId", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
                {
                    partitionId = property.Value.GetString();
                    return !string.IsNullOrEmpty(partitionId);
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: try the next key, then give up with a clear message.
        }

        return false;
    }
}
