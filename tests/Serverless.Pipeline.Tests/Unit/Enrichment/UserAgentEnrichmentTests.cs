using Serverless.Pipeline.Enrichment;

namespace Serverless.Pipeline.Tests.Unit.Enrichment;

public sealed class UserAgentEnrichmentTests
{
    [Theory]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Chrome", "131", "Windows", "10", "desktop")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        "Edge", "131", "Windows", "10", "desktop")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Safari", "18", "iOS", "18", "mobile")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1",
        "Chrome", "126", "iOS", "17", "mobile")]
    [InlineData("Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "Safari", "17", "iPadOS", "17", "tablet")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Firefox", "133", "macOS", "10", "desktop")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
        "Samsung Internet", "25", "Android", "14", "mobile")]
    [InlineData("Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        "Chrome", "120", "Android", "13", "tablet")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "Firefox", "128", "Linux", null, "desktop")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0",
        "Opera", "115", "Windows", "10", "desktop")]
    public void Enrich_RealUserAgent_GivesBrowserOsAndDevice(string userAgent, string browser, string browserVersion, string os, string? osVersion, string device)
    {
        var entry = Enrich.Entry("userAgent", e => UserAgentEnrichment.Enrich(userAgent, e));

        Assert.Equal(browser, entry.Text("browser"));
        Assert.Equal(browserVersion, entry.Text("browserVersion"));
        Assert.Equal(os, entry.Text("os"));
        Assert.Equal(osVersion, entry.Text("osVersion"));
        Assert.Equal(device, entry.Text("device"));
        Assert.Null(entry.Missing);
    }

    [Fact]
    public void Enrich_Googlebot_IsABotWithoutBrowser()
    {
        var entry = Enrich.Entry("userAgent", e => UserAgentEnrichment.Enrich("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", e));

        Assert.Equal("bot", entry.Text("device"));
        Assert.Null(entry.Text("browser"));
        Assert.Null(entry.Missing);
    }

    [Fact]
    public void Enrich_CommandLineClient_IsMarkedUnknown()
    {
        var entry = Enrich.Entry("userAgent", e => UserAgentEnrichment.Enrich("curl/8.5.0", e));

        Assert.Equal(MissingReason.UnknownValue, entry.Missing);
    }
}
