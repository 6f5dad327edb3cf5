using System.Text.Json.Nodes;

namespace Serverless.Infra.Tests;

/// <summary>The optional private network (VNET_ENABLED): absent by default; when on, the app is in a subnet and reaches storage, Event Hubs and Key Vault on private endpoints only.</summary>
[Collection(InfraCollection.Name)]
public sealed class NetworkTests(InfraFixture infra)
{
    private static readonly string[] NetworkTypes =
    [
        "Microsoft.Network/virtualNetworks",
        "Microsoft.Network/privateDnsZones",
        "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
        "Microsoft.Network/privateEndpoints",
        "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
    ];

    private JsonObject NetworkModule => ArmTemplate.Module(infra.Main, "network");

    private JsonObject NetworkTemplate => NetworkModule["properties"]!["template"]!.AsObject();

    [Fact]
    public void VnetEnabled_Default_IsOffThroughTheAzdVariable()
    {
        var file = JsonNode.Parse(File.ReadAllText(RepositoryRoot.Combine("infra", "main.parameters.json")))!;

        var parameter = infra.Main["parameters"]!["vnetEnabled"]!;

        Assert.Equal("bool", parameter["type"]!.GetValue<string>());
        Assert.False(parameter["defaultValue"]!.GetValue<bool>());
        Assert.Equal("${VNET_ENABLED=false}", file["parameters"]!["vnetEnabled"]?["value"]?.GetValue<string>());
    }

    [Fact]
    public void NetworkModule_WithTheDefault_IsNotDeployed()
    {
        var module = NetworkModule;

        var condition = module["condition"]?.GetValue<string>();

        Assert.Equal("[parameters('vnetEnabled')]", condition);
    }

    [Theory]
    [InlineData("Microsoft.Network/virtualNetworks")]
    [InlineData("Microsoft.Network/privateDnsZones")]
    [InlineData("Microsoft.Network/privateDnsZones/virtualNetworkLinks")]
    [InlineData("Microsoft.Network/privateEndpoints")]
    [InlineData("Microsoft.Network/privateEndpoints/privateDnsZoneGroups")]
    public void NetworkResources_WhenEnabled_ExistOnlyInsideTheConditionalModule(string type)
    {
        var everywhere = ArmTemplate.OfType(infra.Main, type).Count();

        var inModule = ArmTemplate.OfType(NetworkTemplate, type).Count();

        Assert.NotEqual(0, inModule);
        Assert.Equal(everywhere, inModule);
    }

    [Fact]
    public void NetworkResources_OutsideTheModule_AreNone()
    {
        var main = ArmTemplate.AllResources(infra.Main).Where(r => r.Deployment?["name"]?.GetValue<string>() != "network" && !IsInNetwork(r));

        var types = main.Select(r => r.Type);

        Assert.DoesNotContain(types, t => NetworkTypes.Contains(t, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public void VirtualNetwork_AppSubnet_IsDelegatedToMicrosoftAppEnvironments()
    {
        var vnet = ArmTemplate.Single(NetworkTemplate, "Microsoft.Network/virtualNetworks");

        var subnets = vnet.Properties["subnets"]!.AsArray();

        Assert.Equal(2, subnets.Count);
        var app = Assert.Single(subnets, s => s!["properties"]!["delegations"] is JsonArray { Count: > 0 });
        Assert.Equal("Microsoft.App/environments", Assert.Single(app!["properties"]!["delegations"]!.AsArray())!["properties"]!["serviceName"]!.GetValue<string>());
        var endpoints = Assert.Single(subnets, s => s!["properties"]!["delegations"] is null);
        Assert.Equal("Disabled", endpoints!["properties"]!["privateEndpointNetworkPolicies"]!.GetValue<string>());
    }

    [Fact]
    public void PrivateEndpoints_Targets_CoverBothStorageAccountsEventHubsAndKeyVault()
    {
        var endpoints = NetworkTemplate["variables"]!["endpoints"]!.AsArray();

        var targets = endpoints.Select(e => (Target: e!["targetId"]!.GetValue<string>(), Group: e["groupId"]!.GetValue<string>())).Order().ToList();

        Assert.Equal(
            [
                ("[parameters('dataStorageAccountId')]", "blob"),
                ("[parameters('dataStorageAccountId')]", "table"),
                ("[parameters('eventHubsNamespaceId')]", "namespace"),
                ("[parameters('hostStorageAccountId')]", "blob"),
                ("[parameters('hostStorageAccountId')]", "queue"),
                ("[parameters('hostStorageAccountId')]", "table"),
                ("[parameters('keyVaultId')]", "vault"),
            ],
            targets);
    }

    [Theory]
    [InlineData("dataStorageAccountId", "[reference('storage').outputs.id.value]")]
    [InlineData("hostStorageAccountId", "[reference('hostStorage').outputs.id.value]")]
    [InlineData("eventHubsNamespaceId", "[reference('eventHubs').outputs.namespaceId.value]")]
    [InlineData("keyVaultId", "[reference('keyVault').outputs.id.value]")]
    public void NetworkModule_Targets_AreTheDeployedResources(string parameter, string passed)
    {
        var module = NetworkModule;

        var value = ArmTemplate.PassedValue(module, parameter)!.GetValue<string>();

        Assert.Equal(passed, value);
    }

    [Fact]
    public void PrivateDnsZones_EveryEndpointGroup_HasItsZoneLinkedToTheNetwork()
    {
        var zones = NetworkTemplate["variables"]!["dnsZones"]!.AsObject();
        var groups = NetworkTemplate["variables"]!["endpoints"]!.AsArray().Select(e => e!["groupId"]!.GetValue<string>()).Distinct();

        var link = ArmTemplate.Single(NetworkTemplate, "Microsoft.Network/privateDnsZones/virtualNetworkLinks");

        Assert.All(groups, g => Assert.True(zones.ContainsKey(g), "no private DNS zone for " + g));
        Assert.Equal("[format('privatelink.blob.{0}', environment().suffixes.storage)]", zones["blob"]!.GetValue<string>());
        Assert.Equal("privatelink.servicebus.windows.net", zones["namespace"]!.GetValue<string>());
        Assert.Equal("privatelink.vaultcore.azure.net", zones["vault"]!.GetValue<string>());
        Assert.False(link.Properties["registrationEnabled"]!.GetValue<bool>());
        Assert.Equal("[resourceId('Microsoft.Network/virtualNetworks', parameters('name'))]", link.Properties["virtualNetwork"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public void PrivateEndpoint_DnsZoneGroup_RegistersTheEndpointInItsZone()
    {
        var endpoint = ArmTemplate.Single(NetworkTemplate, "Microsoft.Network/privateEndpoints");
        var group = ArmTemplate.Single(NetworkTemplate, "Microsoft.Network/privateEndpoints/privateDnsZoneGroups");

        var connection = Assert.Single(endpoint.Properties["privateLinkServiceConnections"]!.AsArray())!["properties"]!;

        Assert.Equal("[parameters('targetResourceId')]", connection["privateLinkServiceId"]!.GetValue<string>());
        Assert.Equal("[parameters('groupId')]", Assert.Single(connection["groupIds"]!.AsArray())!.GetValue<string>());
        Assert.Equal("[parameters('subnetId')]", endpoint.Properties["subnet"]!["id"]!.GetValue<string>());
        Assert.Equal("[parameters('privateDnsZoneId')]", Assert.Single(group.Properties["privateDnsZoneConfigs"]!.AsArray())!["properties"]!["privateDnsZoneId"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("storage")]
    [InlineData("hoststorage")]
    [InlineData("eventhubs")]
    public void PublicNetworkAccess_WhenVnetEnabled_IsDisabled(string module)
    {
        var deployment = ArmTemplate.Module(infra.Main, module);

        var passed = ArmTemplate.PassedValue(deployment, "publicNetworkAccess")!.GetValue<string>();

        Assert.Equal("[variables('dataPublicNetworkAccess')]", passed);
        Assert.Equal("[if(parameters('vnetEnabled'), 'Disabled', 'Enabled')]", infra.Main["variables"]!["dataPublicNetworkAccess"]!.GetValue<string>());
    }

    [Fact]
    public void PublicNetworkAccess_KeyVaultWhenVnetEnabled_IsDisabled()
    {
        var deployment = ArmTemplate.Module(infra.Main, "keyvault");

        var passed = deployment["properties"]!["parameters"]!["publicNetworkAccess"]!.GetValue<string>();

        Assert.Equal("[if(parameters('vnetEnabled'), createObject('value', 'Disabled'), createObject('value', parameters('keyVaultPublicNetworkAccess')))]", passed);
    }

    [Theory]
    [InlineData("storage")]
    [InlineData("hoststorage")]
    [InlineData("keyvault")]
    public void NetworkAcls_WhenPublicAccessIsDisabled_DenyByDefault(string module)
    {
        var resource = ArmTemplate.InModule(infra.Main, module, "Microsoft.Storage/storageAccounts")
            .Concat(ArmTemplate.InModule(infra.Main, module, "Microsoft.KeyVault/vaults"))
            .Single();

        var defaultAction = resource.Properties["networkAcls"]!["defaultAction"]!.GetValue<string>();

        Assert.Equal("[if(equals(parameters('publicNetworkAccess'), 'Enabled'), 'Allow', 'Deny')]", defaultAction);
        Assert.Equal("[parameters('publicNetworkAccess')]", resource.Properties["publicNetworkAccess"]!.GetValue<string>());
    }

    [Fact]
    public void FunctionApp_WhenVnetEnabled_IsIntegratedWithTheAppSubnet()
    {
        var site = ArmTemplate.Single(infra.Main, "Microsoft.Web/sites");
        var api = ArmTemplate.Module(infra.Main, "api");

        var passed = api["properties"]!["parameters"]!["virtualNetworkSubnetId"]!.GetValue<string>();

        Assert.Equal("[if(empty(parameters('virtualNetworkSubnetId')), null(), parameters('virtualNetworkSubnetId'))]", site.Properties["virtualNetworkSubnetId"]!.GetValue<string>());
        Assert.Equal(string.Empty, site.Template["parameters"]!["virtualNetworkSubnetId"]!["defaultValue"]!.GetValue<string>());
        Assert.Equal("[if(parameters('vnetEnabled'), createObject('value', reference('network').outputs.appSubnetId.value), createObject('value', ''))]", passed);
        Assert.Contains("network", api["dependsOn"]!.AsArray().Select(d => d!.GetValue<string>()));
    }

    // A resource of a template nested in the network module (the private endpoint module's).
    private bool IsInNetwork(ArmResource resource) =>
        ArmTemplate.AllTemplates(NetworkTemplate).Any(t => ReferenceEquals(t, resource.Template));
}
