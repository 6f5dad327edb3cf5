using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Serverless.Pipeline.Privacy.Workflows;

namespace Serverless.Local.Workflows;

/// <summary>
/// Runs a workflow against its checkpointed history: each step it reaches is either in the history (its recorded
/// result is returned, as Durable Functions replays) or is done now and recorded before the workflow moves on. So a
/// workflow stopped anywhere resumes where it was, and no completed step runs twice.
/// </summary>
internal sealed class ReplayContext : IWorkflowContext
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly TableClient _history;
    private readonly List<TableEntity> _steps;
    private readonly Func<string, JsonElement, CancellationToken, Task<object>> _runActivity;
    private readonly TimeProvider _time;
    private readonly CancellationToken _cancellationToken;
    private int _next;

    public ReplayContext(string instanceId, DateTimeOffset startedAt, TableClient history, List<TableEntity> steps,
        Func<string, JsonElement, CancellationToken, Task<object>> runActivity, TimeProvider time, CancellationToken cancellationToken)
    {
        InstanceId = instanceId;
        CurrentUtcDateTime = startedAt;
        _history = history;
        _steps = steps;
        _runActivity = runActivity;
        _time = time;
        _cancellationToken = cancellationToken;
    }

    public string InstanceId { get; }

    public DateTimeOffset CurrentUtcDateTime { get; private set; }

    public static string StepKey(int index) => "step|" + index.ToString("D6", CultureInfo.InvariantCulture);

    public static string EventKey(string name) => "event|" + name;

    public async Task<TResult> CallActivityAsync<TResult>(string activityName, object? input)
    {
        if (Replay("activity", activityName) is { } recorded)
        {
            return Deserialize<TResult>(recorded);
        }

        var result = await _runActivity(activityName, JsonSerializer.SerializeToElement(input, Json), _cancellationToken).ConfigureAwait(false);
        var json = JsonSerializer.Serialize(result, result.GetType(), Json);
        await RecordAsync("activity", activityName, json, _time.GetUtcNow()).ConfigureAwait(false);
        return JsonSerializer.Deserialize<TResult>(json, Json)!;
    }

    public async Task<TEvent?> WaitForEventAsync<TEvent>(string eventName, TimeSpan timeout)
        where TEvent : class
    {
        if (Replay("event", eventName) is { } recorded)
        {
            return recorded.GetBoolean("TimedOut") == true ? null : Deserialize<TEvent>(recorded);
        }

        var deadline = CurrentUtcDateTime + timeout;
        var raised = await _history.GetEntityIfExistsAsync<TableEntity>(InstanceId, EventKey(eventName), cancellationToken: _cancellationToken).ConfigureAwait(false);
        if (raised.HasValue)
        {
            var payload = raised.Value!.GetString("Payload");
            await RecordAsync("event", eventName, payload, _time.GetUtcNow()).ConfigureAwait(false);
            await _history.DeleteEntityAsync(InstanceId, EventKey(eventName), ETag.All, _cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize<TEvent>(payload, Json);
        }

        if (_time.GetUtcNow() >= deadline)
        {
            await RecordAsync("event", eventName, null, deadline, timedOut: true).ConfigureAwait(false);
            return null;
        }

        throw new WorkflowSuspendedException(deadline);
    }

    public async Task CreateTimerAsync(DateTimeOffset fireAt)
    {
        if (Replay("timer", "timer") is not null)
        {
            return;
        }

        if (_time.GetUtcNow() < fireAt)
        {
            throw new WorkflowSuspendedException(fireAt);
        }

        await RecordAsync("timer", "timer", null, fireAt).ConfigureAwait(false);
    }

    private TableEntity? Replay(string kind, string name)
    {
        if (_next >= _steps.Count)
        {
            return null;
        }

        var step = _steps[_next];
        if (step.GetString("Kind") != kind || step.GetString("Name") != name)
        {
            throw new InvalidOperationException(
                $"Workflow {InstanceId} is not deterministic: step {_next} was {step.GetString("Kind")} '{step.GetString("Name")}' and is now {kind} '{name}'.");
        }

        _next++;
        CurrentUtcDateTime = step.GetDateTimeOffset("At")!.Value;
        return step;
    }

    private async Task RecordAsync(string kind, string name, string? payload, DateTimeOffset at, bool timedOut = false)
    {
        var step = new TableEntity(InstanceId, StepKey(_next))
        {
            ["Kind"] = kind,
            ["Name"] = name,
            ["Payload"] = payload,
            ["TimedOut"] = timedOut,
            ["At"] = at,
        };
        await _history.AddEntityAsync(step, _cancellationToken).ConfigureAwait(false);
        _steps.Add(step);
        _next++;
        CurrentUtcDateTime = at;
    }

    private static T Deserialize<T>(TableEntity step) => JsonSerializer.Deserialize<T>(step.GetString("Payload") ?? "null", Json)!;
}
