using System.Reflection;
using System.Text.Json;
using Serverless.Pipeline.Privacy.Workflows;

namespace Serverless.Pipeline.Tests.Unit.Privacy;

public sealed class WorkflowActivitiesTests
{
    [Fact]
    public void All_EveryDeclaredEntry_IsRegisteredOnceUnderItsName()
    {
        var declared = typeof(WorkflowActivities).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (WorkflowActivity)f.GetValue(null)!)
            .Select(a => a.Name)
            .Order(StringComparer.Ordinal);

        Assert.Equal(declared, WorkflowActivities.All.Select(a => a.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RunAsync_UnknownName_Throws()
    {
        var input = JsonSerializer.SerializeToElement(new WorkflowInput("erasure", "r-1"));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => WorkflowActivities.RunAsync(null!, "Privacy_Unknown", input, CancellationToken.None));

        Assert.Contains("Privacy_Unknown", refused.Message, StringComparison.Ordinal);
    }
}
