using System.Text.Json.Nodes;

namespace Serverless.Infra.Tests;

/// <summary>
/// App Service authentication (Microsoft Entra ID) in front of the function app, which the privacy API relies on to
/// vouch for its callers (X-MS-CLIENT-PRINCIPAL) while webhooks and the health check stay anonymous.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class AuthenticationTests(InfraFixture infra)
{
    private ArmResource Settings => Assert.Single(ArmTemplate.OfType(infra.Main, "Microsoft.Web/sites/config"),
        c => c.Name.EndsWith("'authsettingsV2')]", StringComparison.Ordinal));

    private JsonNode EntraId => Settings.Properties["identityProviders"]!["azureActiveDirectory"]!;

    [Fact]
    public void Authentication_WithoutAClientId_IsNotDeployed()
    {
        var settings = Settings;

        Assert.Equal("[not(empty(parameters('authClientId')))]", settings.Resource["condition"]!.GetValue<string>());
        Assert.Equal(string.Empty, settings.Template["parameters"]!["authClientId"]!["defaultValue"]!.GetValue<string>());
        Assert.Equal(string.Empty, infra.Main["parameters"]!["privacyApiClientId"]!["defaultValue"]!.GetValue<string>());
    }

    [Fact]
    public void Authentication_UnauthenticatedRequests_StillReachTheApp()
    {
        var validation = Settings.Properties["globalValidation"]!;

        Assert.True(Settings.Properties["platform"]!["enabled"]!.GetValue<bool>());
        Assert.False(validation["requireAuthentication"]!.GetValue<bool>());
        Assert.Equal("AllowAnonymous", validation["unauthenticatedClientAction"]!.GetValue<string>());
        Assert.True(Settings.Properties["httpSettings"]!["requireHttps"]!.GetValue<bool>());
    }

    [Fact]
    public void Authentication_EntraId_ValidatesTokensForTheAppRegistrationOfThisTenant()
    {
        var entraId = EntraId;

        Assert.True(entraId["enabled"]!.GetValue<bool>());
        Assert.Equal("[parameters('authClientId')]", entraId["registration"]!["clientId"]!.GetValue<string>());
        Assert.Equal("[format('{0}{1}/v2.0', environment().authentication.loginEndpoint, tenant().tenantId)]",
            entraId["registration"]!["openIdIssuer"]!.GetValue<string>());
        Assert.Equal(
            ["[format('api://{0}', parameters('authClientId'))]", "[parameters('authClientId')]"],
            entraId["validation"]!["allowedAudiences"]!.AsArray().Select(a => a!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Authentication_HoldsNoSecretAndKeepsNoTokens()
    {
        var settings = Settings;

        Assert.Null(EntraId["registration"]!["clientSecretSettingName"]);
        Assert.False(settings.Properties["login"]!["tokenStore"]!["enabled"]!.GetValue<bool>());
    }
}
