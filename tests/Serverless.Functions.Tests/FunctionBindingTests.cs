using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Functions.Privacy;
using Serverless.Pipeline.Http;
using Serverless.Pipeline.Privacy.Workflows;

namespace Serverless.Functions.Tests;

/// <summary>The functions the Durable extension and the host find: names, triggers and routes.</summary>
public sealed class FunctionBindingTests
{
    [Fact]
    public void Activities_OneFunctionPerWorkflowStep_EachTakingItsInputAndACancellationToken()
    {
        var functions = Functions(typeof(PrivacyActivityFunctions)).ToList();

        Assert.Equal(
            WorkflowActivities.All.Select(a => a.Name).Order(StringComparer.Ordinal),
            functions.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.Equal(functions.Count, functions.Select(f => f.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(functions, f =>
        {
            var parameters = f.Method.GetParameters();
            Assert.Single(parameters, p => p.GetCustomAttribute<ActivityTriggerAttribute>() is not null);
            Assert.Single(parameters, p => p.ParameterType == typeof(CancellationToken));
        });
    }

    [Fact]
    public void Activities_EachRegistryEntry_HasAFunctionOfItsInputAndOutput()
    {
        var functions = Functions(typeof(PrivacyActivityFunctions)).ToDictionary(f => f.Name, f => f.Method, StringComparer.Ordinal);

        Assert.All(WorkflowActivities.All, activity =>
        {
            var method = Assert.Contains(activity.Name, functions);
            Assert.Equal(activity.Input, method.GetParameters().Single(p => p.GetCustomAttribute<ActivityTriggerAttribute>() is not null).ParameterType);
            Assert.Equal(typeof(Task<>).MakeGenericType(activity.Output), method.ReturnType);
        });
    }

    [Theory]
    [InlineData(WorkflowNames.SetStatus, typeof(StatusChange))]
    [InlineData(WorkflowNames.Close, typeof(StatusChange))]
    [InlineData(WorkflowNames.Register, typeof(WorkflowInput))]
    [InlineData(WorkflowNames.PurgeRaw, typeof(WorkflowInput))]
    [InlineData(WorkflowNames.GatherExport, typeof(WorkflowInput))]
    public void Activity_Input_IsWhatTheWorkflowSends(string activity, Type input)
    {
        var function = Assert.Single(Functions(typeof(PrivacyActivityFunctions)), f => f.Name == activity);

        Assert.Equal(input, function.Method.GetParameters().Single(p => p.GetCustomAttribute<ActivityTriggerAttribute>() is not null).ParameterType);
    }

    [Fact]
    public void Orchestrators_AreNamedAsTheWorkflowsTheApiStarts()
    {
        var functions = Functions(typeof(PrivacyOrchestrations)).ToList();

        Assert.Equal([WorkflowNames.ErasureWorkflow, WorkflowNames.ExportWorkflow], functions.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.All(functions, f => Assert.Equal(typeof(TaskOrchestrationContext),
            Assert.Single(f.Method.GetParameters(), p => p.GetCustomAttribute<OrchestrationTriggerAttribute>() is not null).ParameterType));
    }

    [Fact]
    public void HttpFunctions_NamesMethodsAndRoutes_AreThePipelineRouteTable()
    {
        var functions = FunctionsApp.HttpFunctions.Select(f => $"{f.Name} {f.Verb} {f.Route}").Order(StringComparer.Ordinal);

        var table = PipelineRoutes.All.Select(r => $"{r.Name} {r.Method.ToLowerInvariant()} {r.Template}").Order(StringComparer.Ordinal);

        Assert.Equal(table, functions);
    }

    [Fact]
    public void HttpFunctions_AreAnonymous_AndThoseNeedingARoleTakeTheDurableClient()
    {
        Assert.All(FunctionsApp.HttpFunctions, f =>
        {
            var parameters = f.Runner.GetParameters();
            Assert.Equal(AuthorizationLevel.Anonymous, parameters.Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).Single(a => a is not null)!.AuthLevel);
            var route = PipelineRoutes.All.Single(r => r.Name == f.Name);
            Assert.Equal(route.Roles.Count > 0, parameters.Any(p => p.GetCustomAttribute<DurableClientAttribute>() is not null && p.ParameterType == typeof(DurableTaskClient)));
        });
    }

    [Fact]
    public void HistoryPurge_EndedInstancesOnly_FromTheEpochToNow()
    {
        var now = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

        var filter = WorkflowHistoryPurge.Filter(now);

        Assert.Equal(DateTimeOffset.UnixEpoch, filter.CreatedFrom);
        Assert.Equal(now, filter.CreatedTo);
        Assert.Equal(
            [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated],
            filter.Statuses!.Order());
    }

    [Fact]
    public void FunctionNames_AcrossTheApp_AreUnique()
    {
        var names = typeof(PrivacyHttpFunctions).Assembly.GetTypes().SelectMany(Functions).Select(f => f.Name).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    private static IEnumerable<(string Name, MethodInfo Method)> Functions(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Select(m => (Attribute: m.GetCustomAttribute<FunctionAttribute>(), Method: m))
            .Where(f => f.Attribute is not null)
            .Select(f => (f.Attribute!.Name, f.Method));
}
