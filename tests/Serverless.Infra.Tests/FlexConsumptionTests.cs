using System.Text.Json.Nodes;

namespace Serverless.Infra.Tests;

/// <summary>The function app as Flex Consumption wants it: Durable Functions set up as Microsoft recommends, and no site setting the plan ignores or rejects.</summary>
[Collection(InfraCollection.Name)]
public sealed class FlexConsumptionTests(InfraFixture infra)
{
    private ArmResource Site => ArmTemplate.Single(infra.Main, "Microsoft.Web/sites");

    [Fact]
    public void FunctionApp_DurableGroup_HasOneAlwaysReadyInstance()
    {
        var site = Site;

        var alwaysReady = site.Properties["functionAppConfig"]!["scaleAndConcurrency"]!["alwaysReady"]!.AsArray();

        var durable = Assert.Single(alwaysReady);
        Assert.Equal("durable", durable!["name"]!.GetValue<string>());
        Assert.Equal(1, ArmTemplate.Resolve(site, durable["instanceCount"], infra.Main)!.GetValue<int>());
        Assert.Equal(1, site.Template["parameters"]!["durableAlwaysReadyInstanceCount"]!["minValue"]!.GetValue<int>());
    }

    [Fact]
    public void HostJson_DurableQueuePolling_IsOneSecond()
    {
        var host = JsonNode.Parse(File.ReadAllText(RepositoryRoot.Combine("host.json")))!;

        var durableTask = host["extensions"]!["durableTask"]!;

        Assert.Equal("00:00:01", durableTask["storageProvider"]!["maxQueuePollingInterval"]!.GetValue<string>());
        Assert.Equal("PipelineHub", durableTask["hubName"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("ftpsState")]
    [InlineData("alwaysOn")]
    [InlineData("use32BitWorkerProcess")]
    [InlineData("linuxFxVersion")]
    [InlineData("windowsFxVersion")]
    [InlineData("netFrameworkVersion")]
    [InlineData("javaVersion")]
    [InlineData("nodeVersion")]
    [InlineData("powerShellVersion")]
    [InlineData("pythonVersion")]
    [InlineData("functionAppScaleLimit")]
    [InlineData("preWarmedInstanceCount")]
    [InlineData("minimumElasticInstanceCount")]
    [InlineData("elasticWebAppScaleLimit")]
    [InlineData("vnetRouteAllEnabled")]
    public void FunctionApp_SiteConfig_OmitsWhatFlexConsumptionIgnoresOrRejects(string property)
    {
        var siteConfig = Site.Properties["siteConfig"]!.AsObject();

        var keys = siteConfig.Select(p => p.Key);

        Assert.DoesNotContain(property, keys, StringComparer.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("containerSize")]
    [InlineData("dailyMemoryTimeQuota")]
    [InlineData("vnetRouteAllEnabled")]
    public void FunctionApp_SiteProperties_OmitWhatFlexConsumptionIgnoresOrRejects(string property)
    {
        var properties = Site.Properties;

        var keys = properties.Select(p => p.Key);

        Assert.DoesNotContain(property, keys, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void FunctionApp_SiteConfig_HoldsOnlyTheSettingsFlexConsumptionHonours()
    {
        var siteConfig = Site.Properties["siteConfig"]!.AsObject();

        var keys = siteConfig.Select(p => p.Key).Order(StringComparer.Ordinal);

        Assert.Equal(["appSettings", "http20Enabled", "minTlsVersion", "scmMinTlsVersion"], keys);
    }
}
