using Serverless.Pipeline.Privacy.Requests;

namespace Serverless.Local.Dashboard;

/// <summary>A privacy request as the dashboard lists it: where it stands, its steps, and whether it is past its due date.</summary>
public sealed record PrivacyRequestView(
    string Id, string Kind, string Tenant, string Status, bool RequiresApproval, string SubmittedBy, string? ApprovedBy,
    DateTimeOffset CreatedAt, DateTimeOffset DueAt, DateTimeOffset? CompletedAt, bool Overdue, IReadOnlyList<RequestStep> Steps);

/// <summary>Every erasure and export request, open ones first by due date, then the ended ones newest first.</summary>
internal static class PrivacyOverview
{
    public static async Task<IReadOnlyList<PrivacyRequestView>> ReadAsync(PrivacyRequestStore store, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var erasures = await store.ListAsync(RequestKinds.Erasure, status: null, cancellationToken).ConfigureAwait(false);
        var exports = await store.ListAsync(RequestKinds.Export, status: null, cancellationToken).ConfigureAwait(false);
        return erasures.Concat(exports)
            .OrderBy(r => RequestStatus.IsTerminal(r.Status))
            .ThenBy(r => RequestStatus.IsTerminal(r.Status) ? -(r.CompletedAt ?? r.CreatedAt).UtcTicks : r.DueAt.UtcTicks)
            .Select(r => new PrivacyRequestView(r.Id, r.Kind, r.Tenant, r.Status, r.RequiresApproval, r.SubmittedBy, r.ApprovedBy,
                r.CreatedAt, r.DueAt, r.CompletedAt, r.IsOverdueAt(now), r.Steps))
            .ToList();
    }
}
