using DurableTask.Core.Exceptions;
using Grpc.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Moq;
using Serverless.Functions.Privacy;
using Serverless.Pipeline.Privacy.Requests;
using Serverless.Pipeline.Privacy.Workflows;

namespace Serverless.Functions.Tests;

public sealed class DurableWorkflowStarterTests
{
    private static readonly WorkflowInput Input = new(RequestKinds.Erasure, "er_0123456789abcdef01234567");

    private readonly Mock<DurableTaskClient> _client = new("test");

    [Fact]
    public async Task StartAsync_OpenRequest_SchedulesTheWorkflowUnderTheRequestId()
    {
        _client.Setup(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(Input.RequestId);

        await Starter(ended: false).StartAsync(WorkflowNames.ErasureWorkflow, Input.RequestId, Input, CancellationToken.None);

        _client.Verify(c => c.ScheduleNewOrchestrationInstanceAsync(
            It.Is<TaskName>(n => n.Name == WorkflowNames.ErasureWorkflow),
            Input,
            It.Is<StartOrchestrationOptions?>(o => o != null && o.InstanceId == Input.RequestId),
            It.IsAny<CancellationToken>()), Times.Once);
    }

    public static TheoryData<Exception> AlreadyExists() => new()
    {
        new OrchestrationAlreadyExistsException($"An Orchestration instance with the ID {Input.RequestId} already exists."),
        new RpcException(new Status(StatusCode.AlreadyExists, $"An Orchestration instance with the ID {Input.RequestId} already exists.")),
    };

    [Theory]
    [MemberData(nameof(AlreadyExists))]
    public async Task StartAsync_InstanceAlreadyPendingOrRunning_Succeeds(Exception refusal)
    {
        _client.Setup(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(refusal);

        await Starter(ended: false).StartAsync(WorkflowNames.ErasureWorkflow, Input.RequestId, Input, CancellationToken.None);
    }

    [Fact]
    public async Task StartAsync_TaskHubUnreachable_Throws()
    {
        _client.Setup(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RpcException(new Status(StatusCode.Unavailable, "host unreachable")));

        await Assert.ThrowsAsync<RpcException>(() => Starter(ended: false).StartAsync(WorkflowNames.ErasureWorkflow, Input.RequestId, Input, CancellationToken.None));
    }

    [Fact]
    public async Task StartAsync_RequestHasEnded_StartsNothing()
    {
        await Starter(ended: true).StartAsync(WorkflowNames.ErasureWorkflow, Input.RequestId, Input, CancellationToken.None);

        _client.Verify(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task RaiseEventAsync_Decision_IsRaisedOnTheInstance()
    {
        var decision = new Decision(false, "officer-b");
        _client.Setup(c => c.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);

        await Starter(ended: false).RaiseEventAsync(Input.RequestId, WorkflowNames.DecisionEvent, decision, CancellationToken.None);

        _client.Verify(c => c.RaiseEventAsync(Input.RequestId, WorkflowNames.DecisionEvent, decision, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public void IsAlreadyExists_OtherInvalidOperation_IsFalse()
    {
        Assert.False(DurableWorkflowStarter.IsAlreadyExists(new InvalidOperationException("something else")));
        Assert.False(DurableWorkflowStarter.IsAlreadyExists(new RpcException(new Status(StatusCode.Internal, "failed"))));
    }

    private DurableWorkflowStarter Starter(bool ended) => new(_client.Object, (_, _) => Task.FromResult(ended));
}
