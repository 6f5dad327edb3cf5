using Serverless.Pipeline.Enrichment;

namespace Serverless.Pipeline.Tests.Unit.Enrichment;

public sealed class UrlEnrichmentTests
{
    [Fact]
    public void PageUrl_AdClickLanding_GivesHostAndPseudonymizedClickId()
    {
        var entry = Enrich.Entry("pageUrl", e => PageUrlEnrichment.Enrich("https://example.com/accident-lawyer?gclid=abc123", e, Enrich.JoinKey));

        Assert.Equal("example.com", entry.Text("host"));
        var gclid = entry.Values.Single(v => v.Name == "gclid");
        Assert.Equal("abc123", gclid.Text);
        Assert.Equal("k_abc123", gclid.JoinKey);
    }

    [Fact]
    public void PageUrl_NewsletterLink_DecodesEveryCampaignParameter()
    {
        const string url = "https://www.example.com/landing?utm_source=newsletter&utm_medium=email&utm_campaign=spring%20intake&utm_content=hero+button&fbclid=IwAR2xYz#form";

        var entry = Enrich.Entry("pageUrl", e => PageUrlEnrichment.Enrich(url, e, Enrich.JoinKey));

        Assert.Equal("newsletter", entry.Text("utm_source"));
        Assert.Equal("email", entry.Text("utm_medium"));
        Assert.Equal("spring intake", entry.Text("utm_campaign"));
        Assert.Equal("hero button", entry.Text("utm_content"));
        Assert.Equal("IwAR2xYz", entry.Text("fbclid"));
        Assert.Null(entry.Missing);
    }

    [Fact]
    public void PageUrl_SitePath_GivesCampaignWithoutHost()
    {
        var entry = Enrich.Entry("pageUrl", e => PageUrlEnrichment.Enrich("/cases/88231?UTM_SOURCE=google&utm_medium=cpc", e, Enrich.JoinKey));

        Assert.Null(entry.Text("host"));
        Assert.Equal("google", entry.Text("utm_source"));
        Assert.Equal("cpc", entry.Text("utm_medium"));
    }

    [Fact]
    public void PageUrl_NotAUrl_IsMarkedUnparseable()
    {
        var entry = Enrich.Entry("pageUrl", e => PageUrlEnrichment.Enrich("ftp://files.example.com/x", e, Enrich.JoinKey));

        Assert.Equal(MissingReason.Unparseable, entry.Missing);
    }

    [Theory]
    [InlineData("https://www.google.co.uk/", "www.google.co.uk", "search", "Google")]
    [InlineData("https://www.google.com/search?q=car+accident+lawyer", "www.google.com", "search", "Google")]
    [InlineData("https://www.bing.com/search?q=lawyer", "www.bing.com", "search", "Bing")]
    [InlineData("https://duckduckgo.com/", "duckduckgo.com", "search", "DuckDuckGo")]
    [InlineData("https://mail.google.com/mail/u/0/", "mail.google.com", "email", "Gmail")]
    [InlineData("https://outlook.live.com/mail/0/inbox", "outlook.live.com", "email", "Outlook")]
    [InlineData("https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com", "l.facebook.com", "social", "Facebook")]
    [InlineData("https://t.co/Ab12Cd", "t.co", "social", "X")]
    [InlineData("https://www.linkedin.com/feed/", "www.linkedin.com", "social", "LinkedIn")]
    public void Referrer_KnownHost_GivesMediumAndSource(string referrer, string host, string medium, string source)
    {
        var entry = Enrich.Entry("referrer", e => ReferrerEnrichment.Enrich(referrer, e, []));

        Assert.Equal(host, entry.Text("host"));
        Assert.Equal(medium, entry.Text("medium"));
        Assert.Equal(source, entry.Text("source"));
    }

    [Theory]
    [InlineData("https://google.evil.com/", "other")]
    [InlineData("https://blog.smithlaw.org/post/1", "other")]
    [InlineData("https://portal.example.com/home", "internal")]
    [InlineData("https://example.com/", "internal")]
    public void Referrer_OtherHosts_AreInternalForTheTenantsSitesAndOtherwiseOther(string referrer, string medium)
    {
        var entry = Enrich.Entry("referrer", e => ReferrerEnrichment.Enrich(referrer, e, ["example.com"]));

        Assert.Equal(medium, entry.Text("medium"));
        Assert.Null(entry.Text("source"));
    }

    [Fact]
    public void Referrer_Path_IsMarkedUnparseable()
    {
        var entry = Enrich.Entry("referrer", e => ReferrerEnrichment.Enrich("/home", e, []));

        Assert.Equal(MissingReason.Unparseable, entry.Missing);
    }
}
