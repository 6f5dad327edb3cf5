using Microsoft.Extensions.Configuration;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Ingestion;

namespace Serverless.Pipeline.Tests.Unit;

public sealed class SourceConfigurationTests
{
    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    private static Dictionary<string, string?> Source(string prefix) => new()
    {
        [prefix + ":Tenant"] = "acme-law",
        [prefix + ":Signature"] = "HmacSha256",
        [prefix + ":Secrets:0"] = "secret",
        [prefix + ":SignatureHeader"] = "X-Signature-256",
        [prefix + ":Mapping:IdPath"] = "id",
        [prefix + ":Mapping:Type"] = "crm.contact.updated",
        [prefix + ":Mapping:SubjectPath"] = "id",
    };

    [Fact]
    public void Read_ListForm_NamesEachSourceByItsName()
    {
        var settings = Source("Pipeline:Sources:0");
        settings["Pipeline:Sources:0:Name"] = "crm-hub";

        var sources = SourceConfiguration.Read(Configuration(settings));

        Assert.Equal(["crm-hub"], sources.Select(s => s.Name));
    }

    [Fact]
    public void Read_KeyedFormWithName_UsesTheNameSoAppSettingsCanNameAHyphenatedRoute()
    {
        var settings = Source("Pipeline:Sources:crm_hub");
        settings["Pipeline:Sources:crm_hub:Name"] = "crm-hub";

        var sources = SourceConfiguration.Read(Configuration(settings));

        Assert.Equal(["crm-hub"], sources.Select(s => s.Name));
    }

    [Fact]
    public void Read_KeyedFormWithoutName_UsesTheKey()
    {
        var sources = SourceConfiguration.Read(Configuration(Source("Pipeline:Sources:formflow")));

        Assert.Equal(["formflow"], sources.Select(s => s.Name));
    }

    [Fact]
    public void Read_ListItemWithoutName_RefusesNamingTheSetting()
    {
        var failure = Assert.Throws<MisconfigurationException>(() => SourceConfiguration.Read(Configuration(Source("Pipeline:Sources:0"))));

        Assert.Contains("Pipeline:Sources:0:Name", failure.Settings);
    }

    [Fact]
    public void Read_TwoSourcesWithOneName_Refuses()
    {
        var settings = Source("Pipeline:Sources:0");
        settings["Pipeline:Sources:0:Name"] = "crm-hub";
        foreach (var (key, value) in Source("Pipeline:Sources:crm_hub"))
        {
            settings[key] = value;
        }

        settings["Pipeline:Sources:crm_hub:Name"] = "CRM-hub";

        var failure = Assert.Throws<MisconfigurationException>(() => SourceConfiguration.Read(Configuration(settings)));

        Assert.Contains("crm-hub", failure.Message, StringComparison.OrdinalIgnoreCase);
    }
}
