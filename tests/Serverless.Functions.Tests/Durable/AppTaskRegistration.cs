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

        // One adapter per entry of the activity registry, typed as the entry says (FunctionBindingTests holds the
        // activity functions to the registry).
        var activity = typeof(AppTaskRegistration).GetMethod(nameof(Activity), BindingFlags.NonPublic | BindingFlags.Instance)!;
        foreach (var entry in WorkflowActivities.All)
        {
            activity.MakeGenericMethod(entry.Input, entry.Output).Invoke(registration, [entry.Name]);
        }

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

    private void Activity<TInput, TOutput>(string name)
    {
        var function = typeof(PrivacyActivityFunctions).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Single(m => m.GetCustomAttribute<FunctionAttribute>()?.Name == name);
        _registry.AddActivityFunc<TInput, TOutput>(name, (_, input) => (Task<TOutput>)function.Invoke(_activities(), [input, CancellationToken.None])!);
        _activityNames.Add(name);
    }
}
