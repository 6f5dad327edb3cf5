using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Ingestion;

namespace Serverless.Pipeline.Tests.Unit.Ingestion;

public sealed class ConfiguredSourceTests
{
    private const string Secret = "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0";

    [Fact]
    public void Constructor_UnknownSignatureScheme_RefusesNamingTheSetting()
    {
        var options = new SourceOptions { Tenant = "acme", Secrets = [Secret], Signature = (SignatureScheme)99 };

        var refused = Assert.Throws<MisconfigurationException>(() => new ConfiguredSource("crm", options));

        Assert.Equal(["Pipeline:Sources:crm:Signature"], refused.Settings);
        Assert.False(refused.IsMissing);
        Assert.Contains("unknown signature scheme '99'", refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Constructor_UnknownSourceFormat_RefusesNamingTheSetting()
    {
        var options = new SourceOptions { Tenant = "acme", Secrets = [Secret], Format = (SourceFormat)99 };

        var refused = Assert.Throws<MisconfigurationException>(() => new ConfiguredSource("crm", options));

        Assert.Equal(["Pipeline:Sources:crm:Format"], refused.Settings);
        Assert.False(refused.IsMissing);
        Assert.Contains("unknown format '99'", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SourceFormat.Json, EventMapper.JsonMediaType)]
    [InlineData(SourceFormat.Form, EventMapper.FormMediaType)]
    [InlineData(SourceFormat.CloudEvents, EventMapper.CloudEventBatchMediaType)]
    public void Constructor_KnownSourceFormat_AcceptsItsMediaTypes(SourceFormat format, string mediaType)
    {
        var source = new ConfiguredSource("crm", new SourceOptions { Tenant = "acme", Secrets = [Secret], Format = format });

        Assert.Contains(mediaType, source.MediaTypes);
    }

    [Fact]
    public void Map_MediaTypeNoSourceAccepts_Throws()
    {
        var source = new ConfiguredSource("crm", new SourceOptions { Tenant = "acme", Secrets = [Secret] });

        Assert.Throws<ArgumentException>(() => new EventMapper().Map(source, "text/plain", "{}"u8.ToArray(), DateTimeOffset.UnixEpoch));
    }
}
