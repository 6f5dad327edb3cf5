using Serverless.Pipeline.Privacy.Requests;

namespace Serverless.Pipeline.Privacy.Workflows;

/// <summary>
/// What the privacy steps write on their request: the steps done, with their counts, and the running step's progress.
/// A step counts each unit of work once, before doing it (<see cref="CountOnceAsync"/>), and records itself as its
/// last act (<see cref="RecordAsync"/>), so its counts are the whole step's whether it ran once, was resumed after a
/// crash inside it, or was run again after it recorded but before the workflow saw it.
/// </summary>
public sealed class StepJournal
{
    private readonly PrivacyRequestStore _requests;
    private readonly TimeProvider _time;

    public StepJournal(PrivacyRequestStore requests, TimeProvider time)
    {
        _requests = requests;
        _time = time;
    }

    public PrivacyRequestStore Requests => _requests;

    public async Task<PrivacyRequest> LoadAsync(WorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return await _requests.GetAsync(input.Kind, input.RequestId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Request {input.RequestId} does not exist.");
    }

    public Task UpdateAsync(WorkflowInput input, Action<PrivacyRequest> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return _requests.UpdateAsync(input.Kind, input.RequestId, change, cancellationToken);
    }

    /// <summary>Adds a unit's counts to the step's progress, unless a run of this step counted that unit already.</summary>
    public Task CountOnceAsync(WorkflowInput input, string step, string unit, IReadOnlyDictionary<string, long> counts, CancellationToken cancellationToken,
        Action<PrivacyRequest>? alsoChange = null) =>
        UpdateAsync(input, r =>
        {
            alsoChange?.Invoke(r);
            if (!r.Progress.TryGetValue(step, out var progress))
            {
                r.Progress[step] = progress = new StepProgress();
            }

            if (progress.Units.Contains(unit, StringComparer.Ordinal))
            {
                return;
            }

            progress.Units.Add(unit);
            foreach (var (name, count) in counts)
            {
                progress.Counts[name] = progress.Counts.GetValueOrDefault(name) + count;
            }
        }, cancellationToken);

    /// <summary>
    /// Records the step with its progress added to <paramref name="counts"/>. When the request's last step has this
    /// name, this is that step run again (the workflow had not seen it finish): its counts are merged, not repeated.
    /// </summary>
    public Task<StepResult> RecordAsync(WorkflowInput input, string step, Dictionary<string, long> counts, CancellationToken cancellationToken, string? detail = null) =>
        RecordStepAsync(input, step, counts, true, detail, cancellationToken);

    /// <summary>Records a check (its counts describe one look, not work done): run again, it replaces its earlier record.</summary>
    public Task<StepResult> RecordCheckAsync(WorkflowInput input, string step, Dictionary<string, long> counts, string? detail, CancellationToken cancellationToken) =>
        RecordStepAsync(input, step, counts, false, detail, cancellationToken);

    private async Task<StepResult> RecordStepAsync(WorkflowInput input, string step, Dictionary<string, long> counts, bool additive, string? detail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counts);
        Dictionary<string, long> recorded = counts;
        await UpdateAsync(input, r =>
        {
            var total = new Dictionary<string, long>(counts, StringComparer.Ordinal);
            if (r.Progress.Remove(step, out var progress))
            {
                foreach (var (name, count) in progress.Counts)
                {
                    total[name] = total.GetValueOrDefault(name) + count;
                }
            }

            if (r.Steps.Count > 0 && r.Steps[^1].Name == step)
            {
                foreach (var (name, count) in r.Steps[^1].Counts.Where(_ => additive))
                {
                    total[name] = total.GetValueOrDefault(name) + count;
                }

                r.Steps.RemoveAt(r.Steps.Count - 1);
            }

            recorded = total;
            AddStep(r, step, total, detail);
        }, cancellationToken).ConfigureAwait(false);
        return new StepResult(step, recorded);
    }

    public void AddStep(PrivacyRequest request, string name, Dictionary<string, long> counts, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Steps.Add(new RequestStep(name, _time.GetUtcNow(), counts, detail));
    }

    public async Task<StepResult> SetStatusAsync(StatusChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        await _requests.UpdateAsync(change.Kind, change.RequestId, r =>
        {
            r.Status = change.Status;
            if (change.By is not null)
            {
                r.ApprovedBy = change.By;
                AddStep(r, "approve", [], change.Detail);
            }
        }, cancellationToken).ConfigureAwait(false);
        return new StepResult("status", new Dictionary<string, long>());
    }
}
