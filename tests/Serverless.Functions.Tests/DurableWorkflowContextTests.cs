using Microsoft.DurableTask;
using Moq;
using Serverless.Functions.Privacy;
using Serverless.Pipeline.Privacy.Requests;
using Serverless.Pipeline.Privacy.Workflows;

namespace Serverless.Functions.Tests;

public sealed class DurableWorkflowContextTests
{
    private static readonly WorkflowInput Input = new(RequestKinds.Erasure, "er_0123456789abcdef01234567");

    [Fact]
    public async Task WaitForEventAsync_TimerFiresFirst_ReturnsNull()
    {
        var fake = new FakeOrchestration(Input).NoDecision();
        var context = new DurableWorkflowContext(fake.Context.Object);

        var decision = await context.WaitForEventAsync<Decision>(WorkflowNames.DecisionEvent, TimeSpan.FromHours(1));

        Assert.Null(decision);
        Assert.Equal(FakeOrchestration.Now.AddHours(1), Assert.Single(fake.Timers).FireAt);
    }

    [Fact]
    public async Task WaitForEventAsync_WaitCancelledWithTaskCanceledException_ReturnsNull()
    {
        var fake = new FakeOrchestration(Input);
        fake.Context.Setup(c => c.WaitForExternalEvent<Decision>(WorkflowNames.DecisionEvent, It.IsAny<CancellationToken>()))
            .Returns(Task.FromCanceled<Decision>(new CancellationToken(canceled: true)));
        var context = new DurableWorkflowContext(fake.Context.Object);

        var decision = await context.WaitForEventAsync<Decision>(WorkflowNames.DecisionEvent, TimeSpan.FromMinutes(5));

        Assert.Null(decision);
    }

    [Fact]
    public async Task WaitForEventAsync_EventArrives_ReturnsIt()
    {
        var fake = new FakeOrchestration(Input).Decides(new Decision(true, "officer-b"));
        var context = new DurableWorkflowContext(fake.Context.Object);

        var decision = await context.WaitForEventAsync<Decision>(WorkflowNames.DecisionEvent, TimeSpan.FromDays(2));

        Assert.Equal(new Decision(true, "officer-b"), decision);
    }

    [Fact]
    public async Task WaitForEventAsync_OtherFailure_IsNotATimeout()
    {
        var fake = new FakeOrchestration(Input);
        fake.Context.Setup(c => c.WaitForExternalEvent<Decision>(WorkflowNames.DecisionEvent, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("not on the orchestrator thread"));
        var context = new DurableWorkflowContext(fake.Context.Object);

        await Assert.ThrowsAsync<InvalidOperationException>(() => context.WaitForEventAsync<Decision>(WorkflowNames.DecisionEvent, TimeSpan.FromMinutes(5)));
    }

    [Theory]
    [InlineData(DateTimeKind.Utc)]
    [InlineData(DateTimeKind.Unspecified)]
    public void CurrentUtcDateTime_AnyKind_IsTheSameInstantAtOffsetZero(DateTimeKind kind)
    {
        var fake = new FakeOrchestration(Input);
        var time = new DateTime(2026, 3, 2, 9, 30, 15, kind);
        fake.Context.SetupGet(c => c.CurrentUtcDateTime).Returns(time);

        var now = new DurableWorkflowContext(fake.Context.Object).CurrentUtcDateTime;

        Assert.Equal(TimeSpan.Zero, now.Offset);
        Assert.Equal(time.Ticks, now.UtcTicks);
    }

    [Fact]
    public void InstanceId_IsTheOrchestrationsInstanceId()
    {
        var fake = new FakeOrchestration(Input);

        Assert.Equal(Input.RequestId, new DurableWorkflowContext(fake.Context.Object).InstanceId);
    }

    [Fact]
    public async Task CreateTimerAsync_AnyOffset_FiresAtThatInstantInUtcAndCannotBeCancelled()
    {
        var fake = new FakeOrchestration(Input);
        var fireAt = new DateTimeOffset(2026, 3, 2, 11, 0, 0, TimeSpan.FromHours(2));

        await new DurableWorkflowContext(fake.Context.Object).CreateTimerAsync(fireAt);

        var timer = Assert.Single(fake.Timers);
        Assert.Equal(new DateTime(2026, 3, 2, 9, 0, 0, DateTimeKind.Utc), timer.FireAt);
        Assert.Equal(DateTimeKind.Utc, timer.FireAt.Kind);
        Assert.False(timer.Cancellation.CanBeCanceled);
    }

    [Fact]
    public async Task CallActivityAsync_PassesNameInputAndRetryPolicy()
    {
        var fake = new FakeOrchestration(Input).Returns(WorkflowNames.Verify, new VerificationResult(true, [], 4));

        var result = await new DurableWorkflowContext(fake.Context.Object).CallActivityAsync<VerificationResult>(WorkflowNames.Verify, Input);

        Assert.True(result.Clean);
        var call = Assert.Single(fake.Calls);
        Assert.Equal((WorkflowNames.Verify, (object?)Input), (call.Name, call.Input));
        var policy = Assert.IsType<TaskOptions>(call.Options).Retry?.Policy;
        Assert.NotNull(policy);
        Assert.True(policy.MaxNumberOfAttempts > 1);
    }
}
