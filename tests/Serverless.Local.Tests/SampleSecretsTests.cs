using System.Text.Json.Nodes;
using Serverless.DevKit.Webhooks;

namespace Serverless.Local.Tests;

public sealed class SampleSecretsTests
{
    public static TheoryData<string, string> Sources => new()
    {
        { "intake-pro", SampleSecrets.StandardWebhooks },
        { "client-portal", SampleSecrets.StandardWebhooks },
        { "formflow", SampleSecrets.Hmac },
        { "crm-hub", SampleSecrets.Hmac },
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public void SampleSecrets_OfEachSampleSource_EqualTheLocalRuntimesAppSettings(string source, string expected)
    {
        var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "functions", "Serverless.Local", "appsettings.json")))!;

        var configured = settings["Pipeline"]!["Sources"]!.AsArray().Single(s => s!["Name"]!.GetValue<string>() == source)!;
        var secrets = configured["Secrets"]!.AsArray().Select(s => s!.GetValue<string>());

        Assert.Equal([expected], secrets);
    }
}
