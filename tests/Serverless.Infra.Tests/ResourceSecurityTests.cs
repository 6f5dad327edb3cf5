using System.Text.Json.Nodes;

namespace Serverless.Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed class ResourceSecurityTests(InfraFixture infra)
{
    [Theory]
    [InlineData("storage")]
    [InlineData("hoststorage")]
    public void StorageAccount_Properties_RequireEntraIdAndTls12(string module)
    {
        var account = ArmTemplate.SingleInModule(infra.Main, module, "Microsoft.Storage/storageAccounts");

        var properties = account.Properties;

        Assert.Equal(2, ArmTemplate.OfType(infra.Main, "Microsoft.Storage/storageAccounts").Count());
        Assert.Equal("StorageV2", account.Resource["kind"]!.GetValue<string>());
        Assert.False(properties["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.False(properties["allowBlobPublicAccess"]!.GetValue<bool>());
        Assert.False(properties["allowCrossTenantReplication"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", properties["minimumTlsVersion"]!.GetValue<string>());
        Assert.True(properties["supportsHttpsTrafficOnly"]!.GetValue<bool>());
        Assert.True(properties["defaultToOAuthAuthentication"]!.GetValue<bool>());
    }

    [Fact]
    public void EventHubsNamespace_Properties_DisableLocalAuth()
    {
        var ns = ArmTemplate.Single(infra.Main, "Microsoft.EventHub/namespaces");

        var properties = ns.Properties;

        Assert.True(properties["disableLocalAuth"]!.GetValue<bool>());
        Assert.Equal("1.2", properties["minimumTlsVersion"]!.GetValue<string>());
        Assert.Equal("Standard", ns.Resource["sku"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void EventHub_Namespace_HasParameterizedThroughputUnits()
    {
        var ns = ArmTemplate.Single(infra.Main, "Microsoft.EventHub/namespaces");

        Assert.Equal("[parameters('eventHubThroughputUnits')]", ArmTemplate.PassedValue(ns.Deployment!, "capacity")!.GetValue<string>());
        Assert.Equal(1, infra.Main["parameters"]!["eventHubThroughputUnits"]!["defaultValue"]!.GetValue<int>());
        Assert.Equal(40, infra.Main["parameters"]!["eventHubThroughputUnits"]!["maxValue"]!.GetValue<int>());
    }

    [Fact]
    public void EventHub_EventsHub_HasParameterizedPartitionsAndProcessingGroup()
    {
        var hub = ArmTemplate.Single(infra.Main, "Microsoft.EventHub/namespaces/eventhubs");
        var group = ArmTemplate.Single(infra.Main, "Microsoft.EventHub/namespaces/eventhubs/consumergroups");

        var partitions = ArmTemplate.Resolve(hub, hub.Properties["partitionCount"], infra.Main);
        var hubName = ArmTemplate.Resolve(hub, JsonValue.Create("[parameters('eventHubName')]"), infra.Main);
        var groupName = ArmTemplate.Resolve(group, JsonValue.Create("[parameters('consumerGroupName')]"), infra.Main);

        Assert.Equal("[parameters('eventHubPartitionCount')]", ArmTemplate.PassedValue(hub.Deployment!, "partitionCount")!.GetValue<string>());
        Assert.Equal(8, partitions!.GetValue<int>());
        Assert.NotNull(hub.Properties["messageRetentionInDays"]);
        Assert.Equal("[variables('eventHubName')]", hubName!.GetValue<string>());
        Assert.Equal("events", infra.Main["variables"]!["eventHubName"]!.GetValue<string>());
        Assert.Equal("processing", groupName!.GetValue<string>());
    }

    [Fact]
    public void ApplicationInsights_Properties_DisableLocalAuthAndUseTheWorkspace()
    {
        var component = ArmTemplate.Single(infra.Main, "Microsoft.Insights/components");

        var properties = component.Properties;

        Assert.True(properties["DisableLocalAuth"]!.GetValue<bool>());
        Assert.Contains("Microsoft.OperationalInsights/workspaces", properties["WorkspaceResourceId"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void KeyVault_Properties_UseRbacWithSoftDeleteAndPurgeProtection()
    {
        var vault = ArmTemplate.Single(infra.Main, "Microsoft.KeyVault/vaults");

        var properties = vault.Properties;

        Assert.True(properties["enableRbacAuthorization"]!.GetValue<bool>());
        Assert.True(properties["enableSoftDelete"]!.GetValue<bool>());
        Assert.True(properties["enablePurgeProtection"]!.GetValue<bool>());
        Assert.Null(properties["accessPolicies"]);
    }

    [Fact]
    public void FunctionApp_Site_IsHttpsOnlyWithoutFtpOrBasicPublishing()
    {
        var site = ArmTemplate.Single(infra.Main, "Microsoft.Web/sites");
        var policies = ArmTemplate.OfType(infra.Main, "Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();

        var siteConfig = site.Properties["siteConfig"]!;

        Assert.Equal("functionapp,linux", site.Resource["kind"]!.GetValue<string>());
        Assert.True(site.Properties["httpsOnly"]!.GetValue<bool>());
        Assert.Equal("1.2", siteConfig["minTlsVersion"]!.GetValue<string>());
        Assert.Null(siteConfig["ftpsState"]); // Flex Consumption has no FTP; the ftp policy below refuses it anyway
        Assert.Equal(["'ftp'", "'scm'"], policies.Select(p => p.Name.Split(", ")[^1].TrimEnd(')', ']')).Order(StringComparer.Ordinal));
        Assert.All(policies, p => Assert.False(p.Properties["allow"]!.GetValue<bool>()));
    }

    [Fact]
    public void FunctionApp_Plan_IsFlexConsumptionWithDotnetIsolated10()
    {
        var plan = ArmTemplate.Single(infra.Main, "Microsoft.Web/serverfarms");
        var site = ArmTemplate.Single(infra.Main, "Microsoft.Web/sites");

        var config = site.Properties["functionAppConfig"]!;
        var storage = config["deployment"]!["storage"]!;

        Assert.Equal("FC1", plan.Resource["sku"]!["name"]!.GetValue<string>());
        Assert.Equal("FlexConsumption", plan.Resource["sku"]!["tier"]!.GetValue<string>());
        Assert.True(plan.Properties["reserved"]!.GetValue<bool>());
        Assert.Equal("dotnet-isolated", ArmTemplate.Resolve(site, config["runtime"]!["name"], infra.Main)!.GetValue<string>());
        Assert.Equal("10.0", ArmTemplate.Resolve(site, config["runtime"]!["version"], infra.Main)!.GetValue<string>());
        Assert.NotNull(config["scaleAndConcurrency"]!["maximumInstanceCount"]);
        Assert.NotNull(config["scaleAndConcurrency"]!["instanceMemoryMB"]);
        Assert.Equal("blobContainer", storage["type"]!.GetValue<string>());
        Assert.Equal("UserAssignedIdentity", storage["authentication"]!["type"]!.GetValue<string>());
        Assert.Equal("[parameters('identityId')]", storage["authentication"]!["userAssignedIdentityResourceId"]!.GetValue<string>());
    }

    [Fact]
    public void FunctionApp_Tags_NameTheAzdApiService()
    {
        var site = ArmTemplate.Single(infra.Main, "Microsoft.Web/sites");

        var tags = site.Resource["tags"]!.GetValue<string>();
        var serviceName = ArmTemplate.Resolve(site, JsonValue.Create("[parameters('serviceName')]"), infra.Main);

        Assert.Contains("createObject('azd-service-name', parameters('serviceName'))", tags, StringComparison.Ordinal);
        Assert.Equal("api", serviceName!.GetValue<string>());
    }

    [Theory]
    [InlineData("Microsoft.Web/sites", "api", true)]
    [InlineData("Microsoft.EventHub/namespaces", "eventhubs", true)]
    [InlineData("Microsoft.Storage/storageAccounts", "storage", false)]
    [InlineData("Microsoft.Storage/storageAccounts", "hoststorage", false)]
    [InlineData("Microsoft.Storage/storageAccounts/blobServices", "storage", true)]
    [InlineData("Microsoft.Storage/storageAccounts/tableServices", "storage", true)]
    [InlineData("Microsoft.KeyVault/vaults", "keyvault", true)]
    public void DiagnosticSettings_MonitoredResource_SendToLogAnalytics(string scopeType, string module, bool hasLogs)
    {
        var settings = ArmTemplate.InModule(infra.Main, module, "Microsoft.Insights/diagnosticSettings")
            .Where(d => d.Resource["scope"]?.GetValue<string>().StartsWith($"[resourceId('{scopeType}',", StringComparison.Ordinal) == true);

        var setting = Assert.Single(settings);

        Assert.Equal("[parameters('logAnalyticsWorkspaceId')]", setting.Properties["workspaceId"]!.GetValue<string>());
        Assert.Equal("[reference('monitoring').outputs.logAnalyticsWorkspaceId.value]", ArmTemplate.PassedValue(setting.Deployment!, "logAnalyticsWorkspaceId")!.GetValue<string>());
        Assert.NotEmpty(setting.Properties["metrics"]!.AsArray());
        if (hasLogs)
        {
            Assert.NotEmpty(setting.Properties["logs"]!.AsArray());
        }
    }
}
