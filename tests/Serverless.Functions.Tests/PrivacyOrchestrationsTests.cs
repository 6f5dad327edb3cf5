using Serverless.Functions.Privacy;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Privacy.Requests;
using Serverless.Pipeline.Privacy.Workflows;

namespace Serverless.Functions.Tests;

public sealed class PrivacyOrchestrationsTests
{
    private static readonly WorkflowInput Erasure = new(RequestKinds.Erasure, "er_0123456789abcdef01234567");
    private static readonly SubjectKeys Keys = new("k-subject", "k-email", null);
    private static readonly DateTimeOffset Now = new(FakeOrchestration.Now);

    private static readonly string[] EraseAndVerify =
        [WorkflowNames.DeleteViews, WorkflowNames.PurgeRaw, WorkflowNames.PurgeQuarantine, WorkflowNames.ShredKeys, WorkflowNames.Verify];

    [Fact]
    public async Task Erasure_WithoutFourEyes_RunsEveryStepInOrderAndCompletes()
    {
        var fake = new FakeOrchestration(Erasure).ErasureSteps(new Registration(Keys, 2, false, TimeSpan.FromDays(7)), Now);

        var outcome = await PrivacyOrchestrations.RunErasureAsync(fake.Context.Object);

        Assert.Equal(RequestStatus.Completed, outcome.Status);
        Assert.Equal(
            [WorkflowNames.Register, WorkflowNames.Suppress, WorkflowNames.SetStatus, .. EraseAndVerify, WorkflowNames.Complete],
            fake.CalledNames);
        Assert.Equal([RequestStatus.Erasing], fake.StatusesSet);
        Assert.Empty(fake.Timers);
    }

    [Fact]
    public async Task Erasure_ActivityCalls_PassTheRequestAndTheRetryPolicy()
    {
        var fake = new FakeOrchestration(Erasure).ErasureSteps(new Registration(Keys, 1, false, TimeSpan.FromDays(7)), Now);

        await PrivacyOrchestrations.RunErasureAsync(fake.Context.Object);

        Assert.All(fake.Calls, call => Assert.Same(DurableWorkflowContext.ActivityOptions, call.Options));
        Assert.All(fake.Calls.Where(c => c.Input is WorkflowInput), call => Assert.Equal(Erasure, call.Input));
        Assert.All(fake.Calls.Select(c => c.Input).OfType<StatusChange>(), change => Assert.Equal(Erasure.RequestId, change.RequestId));
    }

    [Fact]
    public async Task Erasure_SuppressionNotYetEffective_WaitsOutTheCancelWindowWithADurableTimer()
    {
        var effectiveAt = Now.AddSeconds(90);
        var fake = new FakeOrchestration(Erasure).ErasureSteps(new Registration(Keys, 1, false, TimeSpan.FromDays(7)), effectiveAt).NoDecision();

        var outcome = await PrivacyOrchestrations.RunErasureAsync(fake.Context.Object);

        Assert.Equal(RequestStatus.Completed, outcome.Status);
        // The cancel window's timer (the event wait's timeout) fires when suppression takes effect; once it has fired,
        // the orchestration's clock is past that time, so Durable creates no second timer before erasing.
        Assert.Equal(effectiveAt.UtcDateTime, Assert.Single(fake.Timers).FireAt);
        Assert.Contains(WorkflowNames.Complete, fake.CalledNames);
    }

    [Fact]
    public async Task Erasure_CancelledInTheWindow_ClosesAsCancelledWithoutErasing()
    {
        var fake = new FakeOrchestration(Erasure).ErasureSteps(new Registration(Keys, 1, false, TimeSpan.FromDays(7)), Now.AddSeconds(90))
            .Decides(new Decision(false, "officer-b"))
            .Returns(WorkflowNames.Close, new WorkflowOutcome(RequestStatus.Cancelled, "Cancelled before anything was erased."));

        var outcome = await PrivacyOrchestrations.RunErasureAsync(fake.Context.Object);

        Assert.Equal(RequestStatus.Cancelled, outcome.Status);
        Assert.Equal([WorkflowNames.Register, WorkflowNames.Suppress, WorkflowNames.Close], fake.CalledNames);
        var close = Assert.IsType<StatusChange>(fake.Calls[^1].Input);
        Assert.Equal("officer-b", close.By);
    }

    [Fact]
    public async Task Erasure_FourEyesAndNoApprovalInTime_ClosesAsExpired()
    {
        var approvalTimeout = TimeSpan.FromDays(2);
        var fake = new FakeOrchestration(Erasure).ErasureSteps(new Registration(Keys, 1, true, approvalTimeout), Now.AddSeconds(90))
            .NoDecision()
            .Returns(WorkflowNames.Close, new WorkflowOutcome(RequestStatus.Expired, "No second compliance officer approved the request in time."));

        var outcome = await PrivacyOrchestrations.RunErasureAsync(fake.Context.Object);

        Assert.Equal(RequestStatus.Expired, outcome.Status);
        Assert.Equal([WorkflowNames.Register, WorkflowNames.Suppress, WorkflowNames.SetStatus, WorkflowNames.Close], fake.CalledNames);
        Assert.Equal([RequestStatus.AwaitingApproval, RequestStatus.Expired], fake.StatusesSet);
        Assert.Equal((Now + approvalTimeout).UtcDateTime, Assert.Single(fake.Timers).FireAt);
        Assert.DoesNotContain(WorkflowNames.DeleteViews, fake.CalledNames);
    }

    [Fact]
    public async Task Erasure_FourEyesApprovedBySecondOfficer_RecordsTheApprovalThenErases()
    {
        var effectiveAt = Now.AddSeconds(90);
        var fake = new FakeOrchestration(Erasure).ErasureSteps(new Registration(Keys, 1, true, TimeSpan.FromDays(2)), effectiveAt)
            .Decides(new Decision(true, "officer-b"));

        var outcome = await PrivacyOrchestrations.RunErasureAsync(fake.Context.Object);

        Assert.Equal(RequestStatus.Completed, outcome.Status);
        Assert.Equal(
            [WorkflowNames.Register, WorkflowNames.Suppress, WorkflowNames.SetStatus, WorkflowNames.SetStatus, WorkflowNames.SetStatus, .. EraseAndVerify, WorkflowNames.Complete],
            fake.CalledNames);
        Assert.Equal([RequestStatus.AwaitingApproval, RequestStatus.Suppressed, RequestStatus.Erasing], fake.StatusesSet);
        Assert.Equal("officer-b", fake.Calls.Select(c => c.Input).OfType<StatusChange>().ElementAt(1).By);
        // The approval arrived before suppression took effect, so the erasure still waits for it with a timer of its own.
        Assert.Equal([Now.AddDays(2).UtcDateTime, effectiveAt.UtcDateTime], fake.Timers.Select(t => t.FireAt));
        Assert.False(fake.Timers[^1].Cancellation.CanBeCanceled);
    }

    [Fact]
    public async Task Erasure_PersonStillFoundAfterTwoPasses_ClosesAsFailed()
    {
        var fake = new FakeOrchestration(Erasure).ErasureSteps(new Registration(Keys, 1, false, TimeSpan.FromDays(7)), Now)
            .Returns(WorkflowNames.Verify, new VerificationResult(false, ["A 'profile' row is left in the customer views."], 2))
            .Returns(WorkflowNames.Close, new WorkflowOutcome(RequestStatus.Failed, "A 'profile' row is left in the customer views."));

        var outcome = await PrivacyOrchestrations.RunErasureAsync(fake.Context.Object);

        Assert.Equal(RequestStatus.Failed, outcome.Status);
        Assert.Equal(
            [WorkflowNames.Register, WorkflowNames.Suppress, WorkflowNames.SetStatus, .. EraseAndVerify, .. EraseAndVerify, WorkflowNames.Close],
            fake.CalledNames);
        Assert.Equal([RequestStatus.Erasing, RequestStatus.Failed], fake.StatusesSet);
    }

    [Fact]
    public async Task Export_GathersAndCompletes()
    {
        var export = new WorkflowInput(RequestKinds.Export, "ex_0123456789abcdef01234567");
        var fake = new FakeOrchestration(export)
            .Returns(WorkflowNames.SetStatus, new StepResult("status", new Dictionary<string, long>()))
            .Returns(WorkflowNames.GatherExport, new WorkflowOutcome(RequestStatus.Completed, null));

        var outcome = await PrivacyOrchestrations.RunExportAsync(fake.Context.Object);

        Assert.Equal(RequestStatus.Completed, outcome.Status);
        Assert.Equal([WorkflowNames.SetStatus, WorkflowNames.GatherExport], fake.CalledNames);
        Assert.Equal([RequestStatus.Gathering], fake.StatusesSet);
        Assert.Equal(export, fake.Calls[^1].Input);
    }

    [Fact]
    public async Task Orchestration_WithoutInput_Fails()
    {
        var fake = new FakeOrchestration(Erasure);
        fake.Context.Setup(c => c.GetInput<WorkflowInput>()).Returns((WorkflowInput?)null);

        await Assert.ThrowsAsync<InvalidOperationException>(() => PrivacyOrchestrations.RunErasureAsync(fake.Context.Object));
    }
}
