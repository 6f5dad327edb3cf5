using Moq;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Privacy.Requests;
using Serverless.Pipeline.Privacy.Workflows;

namespace Serverless.Pipeline.Tests.Unit;

public sealed class ErasureWorkflowTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly WorkflowInput Input = new(RequestKinds.Erasure, "er_1");
    private readonly Mock<IWorkflowContext> _context = new(MockBehavior.Strict);
    private readonly List<string> _calls = [];
    private readonly List<StatusChange> _statuses = [];
    private readonly Queue<VerificationResult> _verifications = new();

    public ErasureWorkflowTests()
    {
        _context.SetupGet(c => c.InstanceId).Returns("er_1");
        _context.SetupGet(c => c.CurrentUtcDateTime).Returns(Start);
        Activity(WorkflowNames.Register, new Registration(new SubjectKeys("k1_s", null, null), 1, false, TimeSpan.FromDays(7)));
        Activity(WorkflowNames.Suppress, new SuppressionResult(Start.AddSeconds(45)));
        foreach (var step in new[] { WorkflowNames.SetStatus, WorkflowNames.DeleteViews, WorkflowNames.PurgeRaw, WorkflowNames.PurgeQuarantine, WorkflowNames.ShredKeys })
        {
            Activity(step, new StepResult(step, new Dictionary<string, long>()));
        }

        _context.Setup(c => c.CallActivityAsync<VerificationResult>(WorkflowNames.Verify, It.IsAny<object?>()))
            .Callback(() => _calls.Add(WorkflowNames.Verify))
            .ReturnsAsync(() => _verifications.Count > 0 ? _verifications.Dequeue() : new VerificationResult(true, [], 3));
        _context.Setup(c => c.CallActivityAsync<WorkflowOutcome>(It.IsAny<string>(), It.IsAny<object?>()))
            .Callback<string, object?>((name, input) =>
            {
                _calls.Add(name);
                if (input is StatusChange change)
                {
                    _statuses.Add(change);
                }
            })
            .ReturnsAsync((string name, object? input) => new WorkflowOutcome(input is StatusChange change ? change.Status : RequestStatus.Completed, null));
        _context.Setup(c => c.CreateTimerAsync(It.IsAny<DateTimeOffset>())).Callback(() => _calls.Add("timer")).Returns(Task.CompletedTask);
    }

    private void Activity<T>(string name, T result) =>
        _context.Setup(c => c.CallActivityAsync<T>(name, It.IsAny<object?>()))
            .Callback<string, object?>((n, input) =>
            {
                _calls.Add(n);
                if (input is StatusChange change)
                {
                    _statuses.Add(change);
                }
            })
            .ReturnsAsync(result);

    private void Decide(Decision? decision) =>
        _context.Setup(c => c.WaitForEventAsync<Decision>(WorkflowNames.DecisionEvent, It.IsAny<TimeSpan>()))
            .Callback(() => _calls.Add("wait"))
            .ReturnsAsync(decision);

    private void RequireFourEyes() =>
        Activity(WorkflowNames.Register, new Registration(new SubjectKeys("k1_s", null, null), 1, true, TimeSpan.FromDays(7)));

    [Fact]
    public async Task RunAsync_NoFourEyes_SuppressesWaitsThenErasesVerifiesAndCompletes()
    {
        Decide(null);

        var outcome = await ErasureWorkflow.RunAsync(_context.Object, Input);

        Assert.Equal(RequestStatus.Completed, outcome.Status);
        Assert.Equal(
            [WorkflowNames.Register, WorkflowNames.Suppress, "wait", "timer", WorkflowNames.SetStatus, WorkflowNames.DeleteViews, WorkflowNames.PurgeRaw,
             WorkflowNames.PurgeQuarantine, WorkflowNames.ShredKeys, WorkflowNames.Verify, WorkflowNames.Complete],
            _calls);
        Assert.Equal(RequestStatus.Erasing, Assert.Single(_statuses).Status);
    }

    [Fact]
    public async Task RunAsync_SuppressionWait_LastsUntilSuppressionIsEffective()
    {
        Decide(null);

        await ErasureWorkflow.RunAsync(_context.Object, Input);

        _context.Verify(c => c.WaitForEventAsync<Decision>(WorkflowNames.DecisionEvent, TimeSpan.FromSeconds(45)));
        _context.Verify(c => c.CreateTimerAsync(Start.AddSeconds(45)));
    }

    [Fact]
    public async Task RunAsync_CancelledDuringSuppressionWait_ClosesWithoutDeleting()
    {
        Decide(new Decision(false, "dpo-bob"));

        var outcome = await ErasureWorkflow.RunAsync(_context.Object, Input);

        Assert.Equal(RequestStatus.Cancelled, outcome.Status);
        Assert.DoesNotContain(WorkflowNames.DeleteViews, _calls);
        var close = Assert.Single(_statuses);
        Assert.Equal((WorkflowNames.Close, RequestStatus.Cancelled, "dpo-bob"), (_calls[^1], close.Status, close.By));
    }

    [Fact]
    public async Task RunAsync_FourEyesApproved_RecordsApprovalThenErases()
    {
        RequireFourEyes();
        Decide(new Decision(true, "dpo-bob"));

        var outcome = await ErasureWorkflow.RunAsync(_context.Object, Input);

        Assert.Equal(RequestStatus.Completed, outcome.Status);
        Assert.Equal([RequestStatus.AwaitingApproval, RequestStatus.Suppressed, RequestStatus.Erasing], _statuses.Select(s => s.Status));
        Assert.Equal("dpo-bob", _statuses[1].By);
        _context.Verify(c => c.WaitForEventAsync<Decision>(WorkflowNames.DecisionEvent, TimeSpan.FromDays(7)));
    }

    [Fact]
    public async Task RunAsync_FourEyesNobodyApproves_ExpiresWithoutDeleting()
    {
        RequireFourEyes();
        Decide(null);

        var outcome = await ErasureWorkflow.RunAsync(_context.Object, Input);

        Assert.Equal(RequestStatus.Expired, outcome.Status);
        Assert.DoesNotContain(WorkflowNames.DeleteViews, _calls);
        Assert.Equal(WorkflowNames.Close, _calls[^1]);
    }

    [Fact]
    public async Task RunAsync_FirstVerificationFindsSomething_RunsASecondPassThenCompletes()
    {
        Decide(null);
        _verifications.Enqueue(new VerificationResult(false, ["A line about the person is left."], 3));

        var outcome = await ErasureWorkflow.RunAsync(_context.Object, Input);

        Assert.Equal(RequestStatus.Completed, outcome.Status);
        Assert.Equal(2, _calls.Count(c => c == WorkflowNames.PurgeRaw));
        Assert.Equal(2, _calls.Count(c => c == WorkflowNames.Verify));
    }

    [Fact]
    public async Task RunAsync_VerificationFailsTwice_FailsWithTheFindings()
    {
        Decide(null);
        _verifications.Enqueue(new VerificationResult(false, ["left 1"], 3));
        _verifications.Enqueue(new VerificationResult(false, ["left 2"], 3));

        var outcome = await ErasureWorkflow.RunAsync(_context.Object, Input);

        Assert.Equal(RequestStatus.Failed, outcome.Status);
        Assert.Equal("left 2", _statuses[^1].Detail);
        Assert.DoesNotContain(WorkflowNames.Complete, _calls);
    }
}
