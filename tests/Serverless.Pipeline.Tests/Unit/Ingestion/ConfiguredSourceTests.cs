using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Ingestion;

namespace Serverless.Pipeline.Tests.Unit.Ingestion;

public sealed class ConfiguredSourceTests
{
    private const string Secret = "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0";

    [Theory]
    [InlineData(nameof(SourceOptions.Signature), "Source 'crm': Unknown signature scheme '99'")]
    [InlineData(nameof(SourceOptions.Format), "Source 'crm': unknown format '99'")]
    public void Constructor_UnknownEnumValue_RefusesNamingTheSetting(string setting, string message)
    {
        var options = new SourceOptions { Tenant = "acme", Secrets = [Secret] };
        if (setting == nameof(SourceOptions.Signature))
        {
            options.Signature = (SignatureScheme)99;
        }
        else
        {
            options.Format = (SourceFormat)99;
        }

        var refused = Assert.Throws<MisconfigurationException>(() => new ConfiguredSource("crm", options));

        Assert.Equal(["Pipeline:Sources:crm:" + setting], refused.Settings);
        Assert.False(refused.IsMissing);
        Assert.StartsWith(message, refused.Message, StringComparison.Ordinal);
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
