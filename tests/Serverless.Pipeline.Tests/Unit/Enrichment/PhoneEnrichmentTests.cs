using Serverless.Pipeline.Enrichment;

namespace Serverless.Pipeline.Tests.Unit.Enrichment;

public sealed class PhoneEnrichmentTests
{
    [Theory]
    [InlineData("+16175550143", "US", "fixedLineOrMobile")]
    [InlineData("+33612345678", "FR", "mobile")]
    [InlineData("+33142685300", "FR", "fixedLine")]
    [InlineData("+442079460000", "GB", "fixedLine")]
    [InlineData("+4915123456789", "DE", "mobile")]
    [InlineData("+81312345678", "JP", "fixedLine")]
    [InlineData("+61412345678", "AU", "mobile")]
    [InlineData("+18005550199", "US", "tollFree")]
    public void Enrich_NumberOfARegion_GivesCountryAndLineType(string e164, string country, string lineType)
    {
        var entry = Enrich.Entry("phone", e => PhoneEnrichment.Enrich(e164, e));

        Assert.Equal(country, entry.Text("country"));
        Assert.Equal(lineType, entry.Text("lineType"));
        Assert.Null(entry.Missing);
    }

    [Fact]
    public void Enrich_UnassignedCountryCode_IsMarkedMissing()
    {
        var entry = Enrich.Entry("phone", e => PhoneEnrichment.Enrich("+99912345678", e));

        Assert.Null(entry.Text("country"));
        Assert.Equal(MissingReason.Unparseable, entry.Missing);
    }
}
