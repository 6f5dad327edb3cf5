using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Serverless.Functions.Privacy;
using Serverless.Pipeline.Privacy.Workflows;

namespace Serverless.Functions.Tests.Durable;

/// <summary>
/// Registers the app's own orchestrator and activity functions with a Durable registry, each under the name of its
/// <see cref="FunctionAttribute"/>. Every adapter calls the app's function method itself, on an instance made the way
/// the worker makes one per invocation; nothing of their logic is repeated here.
/// </summary>
internal sealed class AppTaskRegistration
{
    private readonly DurableTaskRegistry _registry;
    private readonly Func<PrivacyActivityFunctions> _activities;
    private readonly List<string> _orchestrators = [];
    private readonly List<string> _activityNames = [];

    private AppTaskRegistration(DurableTaskRegistry registry, Func<PrivacyActivityFunctions> activities)
    {
        _registry = registry;
        _activities = activities;
    }

    public IReadOnlyList<string> Orchestrators => _orchestrators;

    public IReadOnlyList<string> Activities => _activityNames;

    /// <param name="activities">Makes the activity functions' class for one invocation, from the app's services.</param>
    public static AppTaskRegistration Register(DurableTaskRegistry registry, Func<PrivacyActivityFunctions> activities)
    {
        var registration = new AppTaskRegistration(registry, activities);

        // The orchestrators read their input with GetInput<WorkflowInput>, which the SDK answers only for the declared input type.
        registration.Orchestrator(PrivacyOrchestrations.RunErasureAsync);
        registration.Orchestrator(PrivacyOrchestrations.RunExportAsync);

        registration.Activity<WorkflowInput, Registration>(f => f.RegisterAsync);
        registration.Activity<WorkflowInput, SuppressionResult>(f => f.SuppressAsync);
        registration.Activity<StatusChange, StepResult>(f => f.SetStatusAsync);
        registration.Activity<WorkflowInput, StepResult>(f => f.DeleteViewsAsync);
        registration.Activity<WorkflowInput, StepResult>(f => f.PurgeRawAsync);
        registration.Activity<WorkflowInput, StepResult>(f => f.PurgeQuarantineAsync);
        registration.Activity<WorkflowInput, StepResult>(f => f.ShredKeysAsync);
        registration.Activity<WorkflowInput, VerificationResult>(f => f.VerifyAsync);
        registration.Activity<WorkflowInput, WorkflowOutcome>(f => f.CompleteAsync);
        registration.Activity<StatusChange, WorkflowOutcome>(f => f.CloseAsync);
        registration.Activity<WorkflowInput, WorkflowOutcome>(f => f.GatherExportAsync);
        return registration;
    }

    /// <summary>The names of the app's functions with a parameter bound by <typeparamref name="TTrigger"/>.</summary>
    public static IReadOnlySet<string> AppFunctionsTriggeredBy<TTrigger>()
        where TTrigger : Attribute =>
        typeof(PrivacyOrchestrations).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(method => method.GetParameters().Any(p => p.GetCustomAttribute<TTrigger>() is not null))
            .Select(FunctionName)
            .ToHashSet(StringComparer.Ordinal);

    private static string FunctionName(MethodInfo method) =>
        method.GetCustomAttribute<FunctionAttribute>()?.Name
        ?? throw new InvalidOperationException($"{method.DeclaringType?.Name}.{method.Name} has a trigger but no [Function].");

    private void Orchestrator<TOutput>(Func<TaskOrchestrationContext, Task<TOutput>> function)
    {
        var name = FunctionName(function.Method);
        _registry.AddOrchestratorFunc<WorkflowInput, TOutput>(name, (context, _) => function(context));
        _orchestrators.Add(name);
    }

    private void Activity<TInput, TOutput>(Func<PrivacyActivityFunctions, Func<TInput, CancellationToken, Task<TOutput>>> select)
    {
        var name = FunctionName(select(_activities()).Method);
        _registry.AddActivityFunc<TInput, TOutput>(name, (_, input) => select(_activities())(input, CancellationToken.None));
        _activityNames.Add(name);
    }
}
