using System.Text.RegularExpressions;

namespace Serverless.Pipeline.Storage;

/// <summary>The containers and tables the pipeline writes, optionally behind a prefix so several deployments can share an account.</summary>
public sealed partial class StorageNames
{
    public StorageNames(string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length > 0 && !PrefixPattern().IsMatch(prefix))
        {
            throw new ArgumentException("A storage prefix is 1-20 lower-case letters and digits, starting with a letter.", nameof(prefix));
        }

        RawContainer = prefix + "raw";
        QuarantineContainer = prefix + "quarantine";
        CustomersTable = prefix + "customers";
        CountersTable = prefix + "counters";
        EventIdsTable = prefix + "eventids";
        DeliveriesTable = prefix + "webhookdeliveries";
        IdentitiesTable = prefix + "identities";
        SuppressionsTable = prefix + "suppressions";
        PrivacyRequestsTable = prefix + "privacyrequests";
        WorkflowsTable = prefix + "workflows";
        AuditHeadTable = prefix + "audit";
        AuditContainer = prefix + "audit";
        ExportsContainer = prefix + "exports";
        ReferenceTable = prefix + "reference";
    }

    /// <summary>Tenants' lookup tables for reference-data enrichment (partition tenant|table, row key the code).</summary>
    public string ReferenceTable { get; }

    /// <summary>Raw archive: one gzip JSON Lines blob per batch, partition and tenant.</summary>
    public string RawContainer { get; }

    /// <summary>Rejected events with their reasons, readable for replay.</summary>
    public string QuarantineContainer { get; }

    /// <summary>Per customer (partition tenant|subject): the profile, recent activity and the subject index.</summary>
    public string CustomersTable { get; }

    /// <summary>Daily counters per tenant and event type.</summary>
    public string CountersTable { get; }

    /// <summary>The (tenant, event id) ledger that drops duplicates across batches and restarts.</summary>
    public string EventIdsTable { get; }

    /// <summary>Webhook delivery ids already accepted, for replay protection.</summary>
    public string DeliveriesTable { get; }

    /// <summary>Which customers an email or phone join key belongs to (partition tenant|kind|key), for erasure by identifier.</summary>
    public string IdentitiesTable { get; }

    /// <summary>Join keys of erased people, per tenant: their events are counted as suppressed, never stored.</summary>
    public string SuppressionsTable { get; }

    /// <summary>Erasure and export requests with their steps, due dates and certificates.</summary>
    public string PrivacyRequestsTable { get; }

    /// <summary>The local workflow runner's checkpointed histories.</summary>
    public string WorkflowsTable { get; }

    /// <summary>The head (last sequence and hash) of each tenant's audit chain.</summary>
    public string AuditHeadTable { get; }

    /// <summary>The audit records, one blob each, hash-chained; immutable in Azure.</summary>
    public string AuditContainer { get; }

    /// <summary>Subject access exports, one JSON document each, shared through time-limited links.</summary>
    public string ExportsContainer { get; }

    [GeneratedRegex("^[a-z][a-z0-9]{0,19}$", RegexOptions.CultureInvariant)]
    private static partial Regex PrefixPattern();
}
