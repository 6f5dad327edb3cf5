namespace Serverless.Pipeline.Dedupe;

/// <summary>What the ledger says about an event id.</summary>
public enum ClaimResult
{
    /// <summary>First time this (tenant, event id) is seen: store it.</summary>
    New,

    /// <summary>Claimed before from the same stream position: a redelivery of a batch that did not finish; store again, idempotently.</summary>
    Redelivered,

    /// <summary>Claimed before from another position: the same event sent again; drop it.</summary>
    Duplicate,
}
