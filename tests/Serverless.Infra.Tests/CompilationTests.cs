using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Serverless.Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed class CompilationTests(InfraFixture infra)
{
    [Fact]
    public void Build_EveryInfraFile_ExitsZeroWithoutDiagnostics()
    {
        var run = infra.Build;

        Assert.True(run.ExitCode == 0, "bicep build failed:\n" + run.StandardError);
        Assert.Empty(run.Diagnostics);
    }

    [Fact]
    public void Lint_EveryInfraFile_ExitsZeroWithoutDiagnostics()
    {
        var run = infra.Lint;

        Assert.True(run.ExitCode == 0, "bicep lint failed:\n" + run.StandardError);
        Assert.Empty(run.Diagnostics);
    }

    [Theory]
    [MemberData(nameof(InfraFixture.BicepFiles), MemberType = typeof(InfraFixture))]
    public void BicepFile_BuildAndLint_CompilesWithoutOwnDiagnostics(string file)
    {
        var source = infra.SourcePath(file);

        var diagnostics = infra.Build.Diagnostics.Concat(infra.Lint.Diagnostics)
            .Where(line => line.StartsWith(source, StringComparison.Ordinal))
            .ToList();

        Assert.Empty(diagnostics);
        Assert.True(File.Exists(infra.CompiledPath(file)), file + " produced no template");
        Assert.NotNull(infra.Template(file)["$schema"]);
    }

    [Fact]
    public async Task BicepCli_Version_IsThePinnedPackage()
    {
        var props = XDocument.Load(RepositoryRoot.Combine("Directory.Packages.props"));
        var pinned = props.Descendants("PackageVersion")
            .Single(p => (string?)p.Attribute("Include") == "Azure.Bicep.CommandLine.linux-x64")
            .Attribute("Version")!.Value;

        var run = await BicepCli.RunAsync(infra.WorkDirectory, "--version");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"Bicep CLI version {pinned} ", run.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void BicepConfig_SecurityAndHygieneRules_AreErrors()
    {
        var config = JsonNode.Parse(File.ReadAllText(RepositoryRoot.Combine("bicepconfig.json")))!;

        var core = config["analyzers"]!["core"]!;

        Assert.True(core["enabled"]!.GetValue<bool>());
        foreach (var rule in new[]
        {
            "no-unused-params", "no-unused-vars", "no-unused-existing-resources", "secure-secrets-in-params",
            "outputs-should-not-contain-secrets", "no-hardcoded-env-urls", "use-secure-value-for-secure-inputs",
            "secure-params-in-nested-deploy", "what-if-short-circuiting",
        })
        {
            Assert.Equal("error", core["rules"]![rule]?["level"]?.GetValue<string>());
        }
    }

    [Fact]
    public async Task Lint_FileWithUnusedParameter_FailsWithTheRepositoryConfig()
    {
        var probe = Path.Combine(infra.WorkDirectory, "probe", "unused.bicep");
        Directory.CreateDirectory(Path.GetDirectoryName(probe)!);
        await File.WriteAllTextAsync(probe, "param unused string\n");

        var run = await BicepCli.RunAsync(infra.WorkDirectory, "lint", probe);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(run.Diagnostics, line => line.Contains("Error no-unused-params", StringComparison.Ordinal));
    }
}
