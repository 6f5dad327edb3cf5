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
    }

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

    [GeneratedRegex("^[a-z][a-z0-9]{0,19}$", RegexOptions.CultureInvariant)]
    private static partial Regex PrefixPattern();
}
