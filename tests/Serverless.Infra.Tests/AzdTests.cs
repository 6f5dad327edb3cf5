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

    [Theory]
    [InlineData("webhookSecretReferences", "${WEBHOOK_SECRET_REFERENCES}")]
    [InlineData("extraAppSettings", "${EXTRA_APP_SETTINGS}")]
    [InlineData("privacyApiClientId", "${PRIVACY_API_CLIENT_ID=}")]
    [InlineData("alertEmailAddress", "${ALERT_EMAIL_ADDRESS=}")]
    public void MainParameters_SourcesAndAuthentication_AreAzdVariables(string parameter, string value)
    {
        var file = JsonNode.Parse(File.ReadAllText(RepositoryRoot.Combine("infra", "main.parameters.json")))!;

        Assert.Equal(value, file["parameters"]![parameter]?["value"]?.GetValue<string>());
    }

    [Fact]
    public void MainParameters_ArrayAndObjectParameters_TakeTheVariableWholeAndFallBackToTheBicepDefault()
    {
        // azd parses the variable's JSON for array and object parameters and, when the variable is unset or empty,
        // uses the parameter's default in main.bicep. An inline default cannot hold an object: azd's substitution ends
        // "${NAME=...}" at the first closing brace, so "${X={}}" would append a stray brace to any value set.
        var file = JsonNode.Parse(File.ReadAllText(RepositoryRoot.Combine("infra", "main.parameters.json")))!;
        var declared = infra.Main["parameters"]!.AsObject();

        var complex = file["parameters"]!.AsObject()
            .Where(p => declared[p.Key]!["type"]!.GetValue<string>() is "array" or "object")
            .ToList();

        Assert.Equal(["extraAppSettings", "webhookSecretReferences"], complex.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.All(complex, p =>
        {
            Assert.Matches(@"^\$\{[A-Z][A-Z0-9_]*\}$", p.Value!["value"]!.GetValue<string>());
            Assert.NotNull(declared[p.Key]!["defaultValue"]);
        });
    }

    [Theory]
    [InlineData("webhookSecretReferences", "webhookSecretReferences")]
    [InlineData("extraAppSettings", "extraAppSettings")]
    [InlineData("authClientId", "privacyApiClientId")]
    public void ApiModule_SourceAndAuthenticationParameters_ComeFromMain(string apiParameter, string mainParameter)
    {
        var api = ArmTemplate.Module(infra.Main, "api");

        Assert.Equal($"[parameters('{mainParameter}')]", ArmTemplate.PassedValue(api, apiParameter)!.GetValue<string>());
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
