using System.Text.Json.Nodes;

namespace Serverless.Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed class AzdTests(InfraFixture infra)
{
    [Theory]
    [InlineData("provider: bicep")]
    [InlineData("path: infra")]
    [InlineData("project: ./functions/Serverless.Functions")]
    [InlineData("language: dotnet")]
    [InlineData("host: function")]
    public void AzureYaml_ApiService_IsTheFunctionsProjectOnBicep(string line)
    {
        var lines = File.ReadAllLines(RepositoryRoot.Combine("azure.yaml")).Select(l => l.Trim());

        Assert.Contains(line, lines);
    }

    [Fact]
    public void MainParameters_Values_AreAzdVariablesOfDeclaredParameters()
    {
        var file = JsonNode.Parse(File.ReadAllText(RepositoryRoot.Combine("infra", "main.parameters.json")))!;
        var declared = infra.Main["parameters"]!.AsObject();

        var values = file["parameters"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!["value"]!.GetValue<string>(), StringComparer.Ordinal);

        Assert.All(values.Keys, name => Assert.True(declared.ContainsKey(name), name + " is not a parameter of main.bicep"));
        Assert.Equal("${AZURE_ENV_NAME}", values["environmentName"]);
        Assert.Equal("${AZURE_LOCATION}", values["location"]);
        Assert.Equal("${AZURE_PRINCIPAL_ID}", values["principalId"]);
    }

    [Fact]
    public void Main_ResourceGroupAndTags_FollowTheAzdEnvironment()
    {
        var main = infra.Main;

        var group = ArmTemplate.Single(main, "Microsoft.Resources/resourceGroups");

        Assert.Equal("subscriptionDeploymentTemplate.json#", main["$schema"]!.GetValue<string>().Split('/')[^1]);
        Assert.Equal("[format('{0}{1}', variables('abbrs').resourcesResourceGroups, parameters('environmentName'))]", group.Name);
        Assert.Equal("rg-", ArmTemplate.Variable(main, main["variables"]!["abbrs"])!["resourcesResourceGroups"]!.GetValue<string>());
        Assert.Equal("[parameters('environmentName')]", main["variables"]!["tags"]!["azd-env-name"]!.GetValue<string>());
        Assert.Equal("[toLower(uniqueString(subscription().id, parameters('environmentName'), parameters('location')))]", main["variables"]!["resourceToken"]!.GetValue<string>());
    }
}
