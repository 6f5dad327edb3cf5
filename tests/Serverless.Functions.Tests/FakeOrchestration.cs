using Microsoft.DurableTask;
using Moq;
using Serverless.Pipeline.Privacy.Workflows;

namespace Serverless.Functions.Tests;

/// <summary>
/// A mocked Durable orchestration context: activities answer what a test says and are recorded in order; the decision
/// event arrives at once, or never does; timers are recorded, and one fires (moving the orchestration's clock to its
/// time, as Durable's replayed clock does) unless it is the timeout of a wait whose event arrives first.
/// <c>CallBase</c> lets the context's own members that are built on these (the event wait with a timeout races a
/// durable timer against the event) run as they do in Durable.
/// </summary>
internal sealed class FakeOrchestration
{
    public static readonly DateTime Now = new(2026, 3, 2, 9, 0, 0, DateTimeKind.Utc);
    private DateTime _now = Now;
    private bool _decisionArrives;

    public FakeOrchestration(WorkflowInput input)
    {
        Context.SetupGet(c => c.InstanceId).Returns(input.RequestId);
        Context.SetupGet(c => c.CurrentUtcDateTime).Returns(() => _now);
        Context.Setup(c => c.GetInput<WorkflowInput>()).Returns(input);
        Context.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()))
            .Returns((DateTime fireAt, CancellationToken cancellation) => Timer(fireAt, cancellation));
    }

    public Mock<TaskOrchestrationContext> Context { get; } = new() { CallBase = true };

    /// <summary>Every activity called, in order, with its input and options.</summary>
    public List<(string Name, object? Input, TaskOptions? Options)> Calls { get; } = [];

    public List<(DateTime FireAt, CancellationToken Cancellation)> Timers { get; } = [];

    public IEnumerable<string> CalledNames => Calls.Select(c => c.Name);

    /// <summary>The statuses the SetStatus and Close steps were asked to set, in order.</summary>
    public IEnumerable<string> StatusesSet => Calls.Select(c => c.Input).OfType<StatusChange>().Select(s => s.Status);

    public FakeOrchestration Returns<T>(string activity, T result)
    {
        Context.Setup(c => c.CallActivityAsync<T>(It.Is<TaskName>(n => n.Name == activity), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback<TaskName, object?, TaskOptions?>((name, input, options) => Calls.Add((name.Name, input, options)))
            .ReturnsAsync(result);
        return this;
    }

    /// <summary>No officer decides: the wait ends when its durable timer fires and cancels it, as in Durable.</summary>
    public FakeOrchestration NoDecision()
    {
        Context.Setup(c => c.WaitForExternalEvent<Decision>(WorkflowNames.DecisionEvent, It.IsAny<CancellationToken>()))
            .Returns((string _, CancellationToken cancellation) => Pending<Decision>(cancellation));
        return this;
    }

    public FakeOrchestration Decides(Decision decision)
    {
        _decisionArrives = true;
        Context.Setup(c => c.WaitForExternalEvent<Decision>(WorkflowNames.DecisionEvent, It.IsAny<CancellationToken>()))
            .ReturnsAsync(decision);
        return this;
    }

    /// <summary>The answers of an erasure that goes through: every step succeeds and verification finds nothing left.</summary>
    public FakeOrchestration ErasureSteps(Registration registration, DateTimeOffset suppressionEffectiveAt)
    {
        var done = new StepResult("step", new Dictionary<string, long>());
        return Returns(WorkflowNames.Register, registration)
            .Returns(WorkflowNames.Suppress, new SuppressionResult(suppressionEffectiveAt))
            .Returns(WorkflowNames.SetStatus, new StepResult("status", new Dictionary<string, long>()))
            .Returns(WorkflowNames.DeleteViews, done)
            .Returns(WorkflowNames.PurgeRaw, done)
            .Returns(WorkflowNames.PurgeQuarantine, done)
            .Returns(WorkflowNames.ShredKeys, done)
            .Returns(WorkflowNames.Verify, new VerificationResult(true, [], 3))
            .Returns(WorkflowNames.Complete, new WorkflowOutcome("Completed", null));
    }

    private Task Timer(DateTime fireAt, CancellationToken cancellation)
    {
        Timers.Add((fireAt, cancellation));
        if (_decisionArrives && cancellation.CanBeCanceled)
        {
            // The timeout of a wait the event wins: Durable cancels it, and the clock does not move to its time.
            return Pending<bool>(cancellation);
        }

        _now = fireAt > _now ? fireAt : _now;
        return Task.CompletedTask;
    }

    /// <summary>A task that completes only by being cancelled, the way Durable cancels a wait its timer has beaten.</summary>
    public static Task<T> Pending<T>(CancellationToken cancellation)
    {
        var source = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        cancellation.Register(() => source.TrySetCanceled(cancellation));
        return source.Task;
    }
}
