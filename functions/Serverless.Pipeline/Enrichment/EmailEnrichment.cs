using System.Collections.Frozen;

namespace Serverless.Pipeline.Enrichment;

/// <summary>Domain, free-mail and role-account flags of an address that normalization has already lower-cased.</summary>
internal static class EmailEnrichment
{
    private static readonly FrozenSet<string> FreeMailDomains = RuleFiles.Lines("free-mail-domains.txt").ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    private static readonly FrozenSet<string> RoleAccounts = RuleFiles.Lines("role-accounts.txt").ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static void Enrich(string address, EnrichmentEntry entry)
    {
        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1)
        {
            entry.SetMissing(MissingReason.Unparseable);
            return;
        }

        var domain = address[(at + 1)..];
        var local = address.AsSpan(0, at);
        var tag = local.IndexOf('+');
        if (tag > 0)
        {
            local = local[..tag];
        }

        entry.Add("domain", domain);
        entry.Add("freeMail", FreeMailDomains.Contains(domain));
        entry.Add("roleAccount", RoleAccounts.GetAlternateLookup<ReadOnlySpan<char>>().Contains(local));
    }
}
