using Microsoft.Azure.Functions.Worker;
using Moq;
using Serverless.Functions.Triggers;

namespace Serverless.Functions.Tests.Triggers;

/// <summary>Invokes <see cref="ProcessEvents"/> the way the worker does: bodies, binding-data arrays, and the partition context as JSON.</summary>
internal static class TriggerInvocation
{
    public static readonly DateTime Enqueued = new(2026, 11, 21, 10, 30, 0, DateTimeKind.Utc);

    /// <summary>The binding data the worker hands over, the partition context being a JSON string.</summary>
    public static Dictionary<string, object?> BindingData(string partitionId) => new()
    {
        ["PartitionContext"] = $$"""{"FullyQualifiedNamespace":"ns.servicebus.windows.net","EventHubName":"events","ConsumerGroup":"$Default","PartitionId":"{{partitionId}}"}""",
    };

    public static FunctionContext Context(string partitionId)
    {
        var binding = new Mock<BindingContext>();
        binding.SetupGet(b => b.BindingData).Returns(BindingData(partitionId));
        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.BindingContext).Returns(binding.Object);
        return context.Object;
    }

    public static Task RunAsync(ProcessEvents function, string partitionId, long firstSequence, IReadOnlyList<string> bodies,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        return function.RunAsync([.. bodies], [.. bodies.Select((_, i) => firstSequence + i)], [.. bodies.Select(_ => Enqueued)],
            Context(partitionId), cancellationToken);
    }
}
