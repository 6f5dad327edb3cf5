using Serverless.Pipeline.Enrichment;

namespace Serverless.Pipeline.Tests.Unit.Enrichment;

public sealed class EmailEnrichmentTests
{
    [Theory]
    [InlineData("maria.oconnor@gmail.com", "gmail.com", true, false)]
    [InlineData("info+leads@smithlaw.com", "smithlaw.com", false, true)]
    [InlineData("sales@orange.fr", "orange.fr", true, true)]
    [InlineData("j.dubois@cabinet-dubois.fr", "cabinet-dubois.fr", false, false)]
    [InlineData("postmaster@mail.example.co.uk", "mail.example.co.uk", false, true)]
    public void Enrich_Address_GivesDomainFreeMailAndRoleFlags(string address, string domain, bool freeMail, bool roleAccount)
    {
        var entry = Enrich.Entry("email", e => EmailEnrichment.Enrich(address, e));

        Assert.Equal(domain, entry.Text("domain"));
        Assert.Equal(freeMail, entry.Flag("freeMail"));
        Assert.Equal(roleAccount, entry.Flag("roleAccount"));
    }

    [Fact]
    public void Enrich_SubdomainOfAFreeMailDomain_IsNotFreeMail()
    {
        var entry = Enrich.Entry("email", e => EmailEnrichment.Enrich("a@corp.gmail.com", e));

        Assert.Equal(false, entry.Flag("freeMail"));
    }
}
