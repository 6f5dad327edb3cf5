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
        Assert.Equal("[parameters('storageBlobEndpoint')]", settings["AzureWebJobsStorage__blobServiceUri"]);
        Assert.Equal("[parameters('storageQueueEndpoint')]", settings["AzureWebJobsStorage__queueServiceUri"]);
        Assert.Equal("[parameters('storageTableEndpoint')]", settings["AzureWebJobsStorage__tableServiceUri"]);
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

    [Theory]
    [InlineData("FUNCTIONS_WORKER_RUNTIME")]
    [InlineData("FUNCTIONS_EXTENSION_VERSION")]
    [InlineData("WEBSITE_RUN_FROM_PACKAGE")]
    [InlineData("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING")]
    [InlineData("WEBSITE_CONTENTSHARE")]
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
