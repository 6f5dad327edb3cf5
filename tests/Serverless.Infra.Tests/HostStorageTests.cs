namespace Serverless.Infra.Tests;

/// <summary>The Functions host's own storage account (deployment package, Event Hubs checkpoints, the Durable task hub), apart from the customer data.</summary>
[Collection(InfraCollection.Name)]
public sealed class HostStorageTests(InfraFixture infra)
{
    [Fact]
    public void HostStorage_Account_IsAnotherAccountThanTheDataAccount()
    {
        var names = infra.Main["variables"]!["names"]!;

        var host = ArmTemplate.PassedValue(ArmTemplate.Module(infra.Main, "hoststorage"), "name")!.GetValue<string>();
        var data = ArmTemplate.PassedValue(ArmTemplate.Module(infra.Main, "storage"), "name")!.GetValue<string>();

        Assert.Equal("[variables('names').hostStorage]", host);
        Assert.Equal("[variables('names').storage]", data);
        Assert.NotEqual(names["hostStorage"]!.GetValue<string>(), names["storage"]!.GetValue<string>());
        Assert.Equal(2, ArmTemplate.OfType(infra.Main, "Microsoft.Storage/storageAccounts").Count());
    }

    [Fact]
    public void HostStorage_Containers_AreOnlyTheDeploymentPackage()
    {
        var containers = ArmTemplate.InModule(infra.Main, "hoststorage", "Microsoft.Storage/storageAccounts/blobServices/containers").ToList();

        var container = Assert.Single(containers);

        Assert.EndsWith("'default', parameters('deploymentContainerName'))]", container.Name, StringComparison.Ordinal);
        Assert.Null(ArmTemplate.PassedValue(container.Deployment!, "deploymentContainerName"));
        Assert.Equal("deploymentpackage", container.Template["parameters"]!["deploymentContainerName"]!["defaultValue"]!.GetValue<string>());
        Assert.Equal("None", container.Properties["publicAccess"]!.GetValue<string>());
        Assert.Empty(ArmTemplate.InModule(infra.Main, "hoststorage", "Microsoft.Storage/storageAccounts/tableServices/tables"));
        Assert.Empty(ArmTemplate.InModule(infra.Main, "hoststorage", "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies"));
    }

    [Fact]
    public void DataStorage_Account_HoldsNothingOfTheHost()
    {
        var containers = ArmTemplate.InModule(infra.Main, "storage", "Microsoft.Storage/storageAccounts/blobServices/containers");

        var names = containers.Select(c => c.Name).ToList();

        Assert.DoesNotContain(names, n => n.Contains("deployment", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(ArmTemplate.InModule(infra.Main, "storage", "Microsoft.Storage/storageAccounts/queueServices"));
        Assert.Null(ArmTemplate.Module(infra.Main, "storage")["properties"]!["template"]!["outputs"]!["queueEndpoint"]);
    }

    [Fact]
    public void HostStorage_BlobService_KeepsNoVersionsOfTheConstantlyRewrittenLeasesAndCheckpoints()
    {
        var blobService = ArmTemplate.SingleInModule(infra.Main, "hoststorage", "Microsoft.Storage/storageAccounts/blobServices");

        var properties = blobService.Properties;

        Assert.Null(properties["isVersioningEnabled"]);
        Assert.Null(properties["deleteRetentionPolicy"]);
        Assert.True(properties["containerDeleteRetentionPolicy"]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public void MainOutputs_HostStorageAccountName_IsTheHostAccount()
    {
        var outputs = infra.Main["outputs"]!;

        Assert.Equal("[reference('hostStorage').outputs.name.value]", outputs["HOST_STORAGE_ACCOUNT_NAME"]!["value"]!.GetValue<string>());
        Assert.Equal("[reference('storage').outputs.name.value]", outputs["STORAGE_ACCOUNT_NAME"]!["value"]!.GetValue<string>());
    }
}
