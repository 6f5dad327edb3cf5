using Serverless.Local.Workflows;

namespace Serverless.Local.Tests;

/// <summary>Waits for a workflow of the local runner to end, by polling its recorded status.</summary>
internal static class WorkflowCompletion
{
    public static async Task<string> WaitForCompletionAsync(this CheckpointedWorkflowRunner runner, string instanceId, TimeSpan timeout, CancellationToken cancellationToken) =>
        await Poll.ForAsync(async () => await runner.StatusAsync(instanceId, cancellationToken) is { } status && status != "Running" ? status : null,
            timeout, $"Workflow {instanceId} did not finish within {timeout}.", TimeSpan.FromMilliseconds(50), cancellationToken);
}
