using System.Text.Json;

namespace Serverless.Pipeline.Privacy.Workflows;

/// <summary>One activity of the privacy workflows: its name, what it takes and returns, and the step it runs.</summary>
public abstract class WorkflowActivity
{
    private protected static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private protected WorkflowActivity(string name) => Name = name;

    public string Name { get; }
    public abstract Type Input { get; }
    public abstract Type Output { get; }

    /// <summary>Runs the step on an input read from JSON, for hosts that dispatch by name (the local runner).</summary>
    public abstract Task<object> RunAsync(PrivacyActivities steps, JsonElement input, CancellationToken cancellationToken);
}

/// <inheritdoc cref="WorkflowActivity"/>
public sealed class WorkflowActivity<TInput, TOutput> : WorkflowActivity
    where TOutput : notnull
{
    private readonly Func<PrivacyActivities, TInput, CancellationToken, Task<TOutput>> _step;

    internal WorkflowActivity(string name, Func<PrivacyActivities, TInput, CancellationToken, Task<TOutput>> step)
        : base(name) => _step = step;

    public override Type Input => typeof(TInput);
    public override Type Output => typeof(TOutput);

    public Task<TOutput> RunAsync(PrivacyActivities steps, TInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return _step(steps, input, cancellationToken);
    }

    public override async Task<object> RunAsync(PrivacyActivities steps, JsonElement input, CancellationToken cancellationToken)
    {
        var typed = input.Deserialize<TInput>(Json) ?? throw new InvalidDataException($"Activity {Name} got no input.");
        return await RunAsync(steps, typed, cancellationToken).ConfigureAwait(false);
    }
}
