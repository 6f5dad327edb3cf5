using System.Text.Json.Nodes;

namespace Serverless.Infra.Tests;

/// <summary>
/// Where the template deploys: the location is one of the regions that offer Flex Consumption, and both storage
/// accounts get a redundancy that exists there (zone-redundant only where the region has availability zones).
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class RegionTests(InfraFixture infra)
{
    private const string RegionsFile = "infra/app/regions.bicep";

    private IReadOnlyList<string> AllowedLocations =>
        infra.Main["parameters"]!["location"]!["allowedValues"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();

    private IReadOnlyList<string> ZoneRedundantRegions =>
        infra.Template(RegionsFile)["variables"]!["zoneRedundantRegions"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();

    [Theory]
    [InlineData("eastus")]
    [InlineData("northeurope")]
    [InlineData("swedencentral")]
    [InlineData("westcentralus")]
    [InlineData("australiaeast")]
    public void Location_FlexConsumptionRegion_IsAllowed(string region)
    {
        var allowed = AllowedLocations;

        Assert.Contains(region, allowed);
    }

    [Fact]
    public void Location_AllowedValues_AreDistinctProgrammaticRegionNamesWithoutCanaries()
    {
        var allowed = AllowedLocations;

        Assert.True(allowed.Count >= 20, "expected the published Flex Consumption regions");
        Assert.Equal(allowed.Count, allowed.Distinct(StringComparer.Ordinal).Count());
        Assert.All(allowed, region => Assert.Matches("^[a-z]+[0-9]?$", region));
        Assert.DoesNotContain(allowed, region => region.EndsWith("euap", StringComparison.Ordinal));
        Assert.Equal("location", infra.Main["parameters"]!["location"]!["metadata"]!["azd"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void ZoneRedundantRegions_All_AreAllowedLocations()
    {
        var allowed = AllowedLocations;

        var zoned = ZoneRedundantRegions;

        Assert.NotEmpty(zoned);
        Assert.All(zoned, region => Assert.Contains(region, allowed));
        Assert.NotEmpty(allowed.Except(zoned, StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("storage")]
    [InlineData("hoststorage")]
    public void StorageAccount_Sku_IsDecidedFromTheLocationsZoneSupport(string module)
    {
        var deployment = ArmTemplate.Module(infra.Main, module);
        var functions = infra.Main["functions"]!.AsArray().SelectMany(n => n!["members"]!.AsObject()).ToDictionary(m => m.Key, m => m.Value!, StringComparer.Ordinal);

        var skuName = ArmTemplate.SingleInModule(infra.Main, module, "Microsoft.Storage/storageAccounts").Resource["sku"]!["name"]!.GetValue<string>();

        Assert.Equal("[parameters('skuName')]", skuName);
        Assert.Equal("[variables('storageSku')]", ArmTemplate.PassedValue(deployment, "skuName")!.GetValue<string>());
        Assert.Equal("[__bicep.storageSkuName(parameters('location'))]", infra.Main["variables"]!["storageSku"]!.GetValue<string>());
        Assert.Matches(
            @"^\[if\(contains\(variables\('[^']*zoneRedundantRegions'\), toLower\(parameters\('location'\)\)\), 'Standard_ZRS', 'Standard_LRS'\)\]$",
            functions["storageSkuName"]["output"]!["value"]!.GetValue<string>());
        Assert.Null(infra.Main["parameters"]!["storageSkuName"]);
    }

    [Theory]
    [InlineData("swedencentral", "Standard_ZRS")]
    [InlineData("westeurope", "Standard_ZRS")]
    [InlineData("eastus2", "Standard_ZRS")]
    [InlineData("SwedenCentral", "Standard_ZRS")]
    [InlineData("westcentralus", "Standard_LRS")]
    [InlineData("northcentralus", "Standard_LRS")]
    [InlineData("ukwest", "Standard_LRS")]
    [InlineData("australiasoutheast", "Standard_LRS")]
    public async Task StorageSkuName_RegionWithOrWithoutZones_CompilesToZrsOrLrs(string region, string expected)
    {
        var values = await CompileSkusAsync([region]);

        var sku = values[region];

        Assert.Equal(expected, sku);
    }

    [Fact]
    public async Task StorageSkuName_EveryAllowedLocation_CompilesToZrsExactlyWhereItHasZones()
    {
        var allowed = AllowedLocations;
        var zoned = ZoneRedundantRegions;

        var values = await CompileSkusAsync(allowed);

        Assert.All(allowed, region => Assert.Equal(zoned.Contains(region) ? "Standard_ZRS" : "Standard_LRS", values[region]));
    }

    /// <summary>
    /// Evaluates regions.bicep's storageSkuName for each region with the Bicep compiler: a parameters file that
    /// imports the function and calls it once per region, compiled with <c>bicep build-params</c>.
    /// </summary>
    private async Task<Dictionary<string, string>> CompileSkusAsync(IReadOnlyList<string> regions)
    {
        var directory = Path.Combine(infra.WorkDirectory, "probe-regions", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, "skus.bicepparam");
        var relativeRegions = Path.GetRelativePath(directory, infra.SourcePath(RegionsFile)).Replace('\\', '/');
        var lines = new List<string> { "using none", $"import {{ storageSkuName }} from '{relativeRegions}'" };
        lines.AddRange(regions.Select((region, i) => $"param r{i} = storageSkuName('{region}')"));
        await File.WriteAllLinesAsync(file, lines);

        var run = await BicepCli.RunAsync(infra.WorkDirectory, "build-params", file, "--stdout");

        Assert.True(run.ExitCode == 0, "bicep build-params failed:\n" + run.StandardError);
        var parameters = JsonNode.Parse(JsonNode.Parse(run.StandardOutput)!["parametersJson"]!.GetValue<string>())!["parameters"]!;
        return regions.Select((region, i) => (region, Value: parameters[$"r{i}"]!["value"]!.GetValue<string>()))
            .ToDictionary(p => p.region, p => p.Value, StringComparer.Ordinal);
    }
}
