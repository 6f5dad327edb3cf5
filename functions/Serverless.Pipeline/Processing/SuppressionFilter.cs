using Serverless.Pipeline.Events;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Preparation;
using Serverless.Pipeline.Suppression;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Processing;

/// <summary>
/// Takes the events of erased people out of a batch before anything is written, valid or not: by the customer id, and
/// by every email and phone the event carries. Each one dropped is counted as suppressed.
/// </summary>
internal sealed class SuppressionFilter(SuppressionList suppressions, Pseudonymizer pseudonymizer)
{
    // No contact: the keys of the customer id alone.
    private static readonly IReadOnlyDictionary<ContactField, string> SubjectOnly = new Dictionary<ContactField, string>();

    public Task<List<(int Index, PreparedEvent Event)>> KeepUnsuppressedAsync(List<(int Index, PreparedEvent Event)> accepted, EventOutcome[] outcomes,
        CancellationToken cancellationToken) =>
        KeepAsync(accepted, p => p.Event, (p, ct) => IsSuppressedAsync(p.Event, [p.Contact], ct), outcomes, cancellationToken);

    public Task<List<(int Index, RejectedEvent Event)>> KeepUnsuppressedAsync(List<(int Index, RejectedEvent Event)> rejected, EventOutcome[] outcomes,
        CancellationToken cancellationToken) =>
        KeepAsync(rejected, r => r.Event, (r, ct) => IsSuppressedAsync(r.Event!, [SubjectOnly, .. r.Identifiers.AsContacts()], ct), outcomes, cancellationToken);

    private static async Task<List<(int Index, T Event)>> KeepAsync<T>(List<(int Index, T Event)> items, Func<T, PipelineEvent?> eventOf,
        Func<T, CancellationToken, ValueTask<bool>> isSuppressed, EventOutcome[] outcomes, CancellationToken cancellationToken)
    {
        var kept = new List<(int Index, T Event)>(items.Count);
        foreach (var (index, item) in items)
        {
            if (eventOf(item) is { } e && await isSuppressed(item, cancellationToken).ConfigureAwait(false))
            {
                outcomes[index] = new EventOutcome(index, EventDisposition.Suppressed, e.Id, null);
            }
            else
            {
                kept.Add((index, item));
            }
        }

        return kept;
    }

    private async ValueTask<bool> IsSuppressedAsync(PipelineEvent e, IEnumerable<IReadOnlyDictionary<ContactField, string>> contacts, CancellationToken cancellationToken)
    {
        foreach (var contact in contacts)
        {
            if (await suppressions.IsSuppressedAsync(e.Tenant, SubjectKeys.Of(pseudonymizer, e.Tenant, e.Subject, contact), cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }

        return false;
    }
}
