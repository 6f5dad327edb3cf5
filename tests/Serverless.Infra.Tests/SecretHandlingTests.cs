using System.Text.RegularExpressions;

namespace Serverless.Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed partial class SecretHandlingTests(InfraFixture infra)
{
    [Fact]
    public void Expressions_AllTemplates_CallNoListFunction()
    {
        var expressions = ArmTemplate.Strings(infra.Main).Where(s => s.StartsWith('[') && s.EndsWith(']'));

        var listing = expressions.Where(e => ListFunction().IsMatch(e)).ToList();

        Assert.Empty(listing);
    }

    [Theory]
    [InlineData("listKeys")]
    [InlineData("listConnectionStrings")]
    [InlineData("listAccountSas")]
    [InlineData("listServiceSas")]
    [InlineData("AccountKey=")]
    [InlineData("SharedAccessKey")]
    [InlineData("SharedAccessSignature")]
    [InlineData("DefaultEndpointsProtocol")]
    public void CompiledMain_Text_HoldsNoKeyMaterial(string forbidden)
    {
        var text = infra.MainText;

        Assert.DoesNotContain(forbidden, text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Templates_ParametersAndOutputs_AreNeverSecureTyped()
    {
        var declarations = ArmTemplate.AllTemplates(infra.Main)
            .SelectMany(t => new[] { t["parameters"], t["outputs"] })
            .Where(section => section is not null)
            .SelectMany(section => section!.AsObject())
            .Select(p => (p.Key, Type: p.Value?["type"]?.GetValue<string>() ?? string.Empty));

        Assert.DoesNotContain(declarations, d => d.Type.StartsWith("secure", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void KeyVault_Secrets_AreNeverWrittenByTheTemplates()
    {
        var secrets = ArmTemplate.OfType(infra.Main, "Microsoft.KeyVault/vaults/secrets");

        Assert.Empty(secrets);
    }

    [Fact]
    public void ModuleParameters_ConnectionStrings_OnlyCarryTheApplicationInsightsEndpoint()
    {
        var passed = ArmTemplate.OfType(infra.Main, ArmTemplate.DeploymentType)
            .SelectMany(d => d.Properties["parameters"]?.AsObject() ?? [])
            .Where(p => p.Key.Contains("connectionstring", StringComparison.OrdinalIgnoreCase))
            .ToList();

        var parameter = Assert.Single(passed);
        Assert.Equal("applicationInsightsConnectionString", parameter.Key);
        Assert.Equal("[reference('monitoring').outputs.applicationInsightsConnectionString.value]", parameter.Value!["value"]!.GetValue<string>());
    }

    [GeneratedRegex(@"\blist\w*\(", RegexOptions.IgnoreCase)]
    private static partial Regex ListFunction();
}
