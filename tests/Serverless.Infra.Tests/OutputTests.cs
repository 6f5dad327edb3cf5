using System.Text.RegularExpressions;

namespace Serverless.Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed partial class OutputTests(InfraFixture infra)
{
    [Fact]
    public void MainOutputs_Names_CarryNoSecret()
    {
        var names = infra.Main["outputs"]!.AsObject().Select(o => o.Key).ToList();

        var suspicious = names
            .Where(n => n != "APPLICATIONINSIGHTS_CONNECTION_STRING")
            .Where(LooksSecret)
            .ToList();

        Assert.NotEmpty(names);
        Assert.Empty(suspicious);
    }

    [Fact]
    public void Outputs_AllTemplates_AreStringsFromNoListFunction()
    {
        var outputs = ArmTemplate.AllTemplates(infra.Main)
            .SelectMany(t => t["outputs"]?.AsObject() ?? [])
            .ToList();

        Assert.All(outputs, o =>
        {
            Assert.Equal("string", o.Value!["type"]!.GetValue<string>());
            Assert.DoesNotMatch(ListFunction(), o.Value!["value"]!.GetValue<string>());
        });
    }

    [Fact]
    public void MainOutputs_ApplicationInsightsConnectionString_IsTheComponentEndpoint()
    {
        var value = infra.Main["outputs"]!["APPLICATIONINSIGHTS_CONNECTION_STRING"]!["value"]!.GetValue<string>();
        var monitoring = ArmTemplate.Module(infra.Main, "monitoring")["properties"]!["template"]!;

        Assert.Equal("[reference('monitoring').outputs.applicationInsightsConnectionString.value]", value);
        Assert.Contains("').ConnectionString]", monitoring["outputs"]!["applicationInsightsConnectionString"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AZURE_LOCATION")]
    [InlineData("AZURE_TENANT_ID")]
    [InlineData("RESOURCE_GROUP")]
    [InlineData("AZURE_FUNCTION_NAME")]
    [InlineData("SERVICE_API_NAME")]
    [InlineData("SERVICE_API_URI")]
    [InlineData("STORAGE_ACCOUNT_NAME")]
    [InlineData("EVENTHUBS_NAMESPACE")]
    [InlineData("KEY_VAULT_NAME")]
    [InlineData("KEY_VAULT_URI")]
    public void MainOutputs_AzdValue_IsDeclared(string name)
    {
        var outputs = infra.Main["outputs"]!.AsObject();

        Assert.True(outputs.ContainsKey(name), name + " is not an output");
    }

    /// <summary>A name with a secret-like word; KEY_VAULT names the vault, not a key.</summary>
    private static bool LooksSecret(string name)
    {
        var upper = name.ToUpperInvariant();
        var words = upper.Replace("KEY_VAULT", "VAULT", StringComparison.Ordinal).Split('_');
        return upper.Replace("_", string.Empty, StringComparison.Ordinal).Contains("CONNECTIONSTRING", StringComparison.Ordinal)
            || words.Any(w => w is "KEY" or "KEYS" or "SECRET" or "SECRETS" or "PASSWORD" or "SAS" or "TOKEN" or "CREDENTIAL" or "CREDENTIALS");
    }

    [GeneratedRegex(@"\blist\w*\(", RegexOptions.IgnoreCase)]
    private static partial Regex ListFunction();
}
