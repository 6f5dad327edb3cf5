using System.Text.Json.Nodes;

namespace Serverless.Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed class AppSettingsTests(InfraFixture infra)
{
    private ArmResource Site => ArmTemplate.Single(infra.Main, "Microsoft.Web/sites");

    private IReadOnlyList<JsonObject> Settings => ArmTemplate.ArrayElements(Site.Template, Site.Properties["siteConfig"]!["appSettings"]);

    private Dictionary<string, string> LiteralNames => Settings
        .Where(s => !s["name"]!.GetValue<string>().StartsWith('['))
        .ToDictionary(s => s["name"]!.GetValue<string>(), s => s["value"]!.GetValue<string>(), StringComparer.Ordinal);

    [Fact]
    public void FunctionApp_HostStorage_IsIdentityBased()
    {
        var settings = LiteralNames;

        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.Equal("[parameters('identityClientId')]", settings["AzureWebJobsStorage__clientId"]);
        Assert.Equal("[parameters('hostStorageBlobEndpoint')]", settings["AzureWebJobsStorage__blobServiceUri"]);
        Assert.Equal("[parameters('hostStorageQueueEndpoint')]", settings["AzureWebJobsStorage__queueServiceUri"]);
        Assert.Equal("[parameters('hostStorageTableEndpoint')]", settings["AzureWebJobsStorage__tableServiceUri"]);
    }

    [Theory]
    [InlineData("hostStorageBlobEndpoint", "[reference('hostStorage').outputs.blobEndpoint.value]")]
    [InlineData("hostStorageQueueEndpoint", "[reference('hostStorage').outputs.queueEndpoint.value]")]
    [InlineData("hostStorageTableEndpoint", "[reference('hostStorage').outputs.tableEndpoint.value]")]
    [InlineData("deploymentContainerName", "[reference('hostStorage').outputs.deploymentContainerName.value]")]
    [InlineData("storageBlobEndpoint", "[reference('storage').outputs.blobEndpoint.value]")]
    [InlineData("storageTableEndpoint", "[reference('storage').outputs.tableEndpoint.value]")]
    public void FunctionApp_StorageEndpoints_HostStateInTheHostAccountCustomerDataInTheDataAccount(string apiParameter, string passed)
    {
        var api = ArmTemplate.Module(infra.Main, "api");

        var value = ArmTemplate.PassedValue(api, apiParameter)!.GetValue<string>();

        Assert.Equal(passed, value);
    }

    [Fact]
    public void FunctionApp_DeploymentPackage_IsInTheHostAccount()
    {
        var storage = Site.Properties["functionAppConfig"]!["deployment"]!["storage"]!;

        var value = storage["value"]!.GetValue<string>();

        Assert.Equal("[format('{0}{1}', parameters('hostStorageBlobEndpoint'), parameters('deploymentContainerName'))]", value);
    }

    [Fact]
    public void FunctionApp_EventHubsAndTelemetry_AreIdentityBased()
    {
        var settings = LiteralNames;

        Assert.Equal("managedidentity", settings["EventHubConnection__credential"]);
        Assert.Equal("[parameters('identityClientId')]", settings["EventHubConnection__clientId"]);
        Assert.Equal("[parameters('eventHubsFullyQualifiedNamespace')]", settings["EventHubConnection__fullyQualifiedNamespace"]);
        Assert.Equal("[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        Assert.Equal("[parameters('storageBlobEndpoint')]", settings["Pipeline__StorageBlobUri"]);
        Assert.Equal("[parameters('storageTableEndpoint')]", settings["Pipeline__StorageTableUri"]);
    }

    [Fact]
    public void FunctionApp_Settings_HoldNoPlainConnectionString()
    {
        var names = Settings.Select(s => s["name"]!.GetValue<string>()).ToList();

        Assert.DoesNotContain(names, n => n.Equals("AzureWebJobsStorage", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(names, n => n.Equals("EventHubConnection", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(names, n => n.Contains("AccountKey", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(["APPLICATIONINSIGHTS_CONNECTION_STRING"], names.Where(n => n.Contains("CONNECTION", StringComparison.OrdinalIgnoreCase) && !n.StartsWith("EventHubConnection__", StringComparison.Ordinal)));
        Assert.Equal("[parameters('applicationInsightsConnectionString')]", LiteralNames["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
    }

    [Fact]
    public void FunctionApp_SettingNames_AreThoseOtherCodeReads()
    {
        var names = LiteralNames.Keys.Order(StringComparer.Ordinal);

        Assert.Equal(
            [
                "APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "APPLICATIONINSIGHTS_CONNECTION_STRING", "AZURE_CLIENT_ID",
                "AzureWebJobsStorage__blobServiceUri", "AzureWebJobsStorage__clientId", "AzureWebJobsStorage__credential",
                "AzureWebJobsStorage__queueServiceUri", "AzureWebJobsStorage__tableServiceUri",
                "EventHubConnection__clientId", "EventHubConnection__credential", "EventHubConnection__fullyQualifiedNamespace",
                "EventHubConsumerGroup", "EventHubName",
                "Pipeline__Privacy__BlobSoftDeleteDays", "Pipeline__Privacy__EventHubsRetentionDays",
                "Pipeline__Privacy__TelemetryRetentionDays", "Pipeline__Privacy__WorkflowHistoryLifetime",
                "Pipeline__PseudonymizationKey", "Pipeline__StorageBlobUri", "Pipeline__StorageTableUri",
            ],
            names);
    }

    [Theory]
    [InlineData("FUNCTIONS_WORKER_RUNTIME")]
    [InlineData("FUNCTIONS_EXTENSION_VERSION")]
    [InlineData("WEBSITE_RUN_FROM_PACKAGE")]
    [InlineData("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING")]
    [InlineData("WEBSITE_CONTENTSHARE")]
    [InlineData("WEBSITE_CONTENTOVERVNET")]
    [InlineData("WEBSITE_VNET_ROUTE_ALL")]
    public void FunctionApp_Settings_OmitWhatFlexConsumptionRejects(string setting)
    {
        var names = Settings.Select(s => s["name"]!.GetValue<string>());

        Assert.DoesNotContain(setting, names);
    }

    [Fact]
    public void FunctionApp_Secrets_AreKeyVaultReferencesResolvedByTheUserAssignedIdentity()
    {
        var site = Site;

        var secretValues = Settings.Select(s => s["value"]!.GetValue<string>()).Where(v => v.Contains("KeyVault", StringComparison.Ordinal)).ToList();
        var webhookSecret = Assert.Single(Settings, s => s["name"]!.GetValue<string>().Contains("__Secrets__", StringComparison.Ordinal));

        Assert.Equal("[format('@Microsoft.KeyVault(SecretUri={0}secrets/{1})', parameters('keyVaultUri'), parameters('pseudonymizationKeySecretName'))]", LiteralNames["Pipeline__PseudonymizationKey"]);
        Assert.StartsWith("[format('@Microsoft.KeyVault(SecretUri={0}secrets/{1})', parameters('keyVaultUri'), ", webhookSecret["value"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, secretValues.Count);
        Assert.All(secretValues, v => Assert.StartsWith("[format('@Microsoft.KeyVault(SecretUri=", v, StringComparison.Ordinal));
        Assert.Equal("[parameters('identityId')]", site.Properties["keyVaultReferenceIdentity"]!.GetValue<string>());
        Assert.Equal("UserAssigned", site.Resource["identity"]!["type"]!.GetValue<string>());
        Assert.Equal("[reference('keyVault').outputs.uri.value]", ArmTemplate.PassedValue(site.Deployment!, "keyVaultUri")!.GetValue<string>());
    }
}
