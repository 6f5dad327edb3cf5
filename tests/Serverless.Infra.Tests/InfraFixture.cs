using System.Text.Json.Nodes;

namespace Serverless.Infra.Tests;

/// <summary>
/// Compiles and lints every Bicep file of <c>infra/</c> once per test run. The files and the repository's
/// <c>bicepconfig.json</c> are copied to a temporary folder first, so the compiled JSON never lands in the work tree.
/// </summary>
public sealed class InfraFixture : IAsyncLifetime
{
    public const string Pattern = "infra/**/*.bicep";

    private readonly Dictionary<string, JsonObject> _templates = new(StringComparer.Ordinal);

    public string WorkDirectory { get; } = Path.Combine(Path.GetTempPath(), "serverless-infra-tests-" + Guid.NewGuid().ToString("N"));

    public BicepRun Build { get; private set; } = new(-1, string.Empty, "not run");

    public BicepRun Lint { get; private set; } = new(-1, string.Empty, "not run");

    /// <summary>The compiled <c>infra/main.bicep</c>, with every module inlined as a nested deployment.</summary>
    public JsonObject Main => Template("infra/main.bicep");

    /// <summary>The compiled main template as text, for the checks that must hold wherever a string appears.</summary>
    public string MainText => File.ReadAllText(CompiledPath("infra/main.bicep"));

    /// <summary>The .bicep files of <c>infra/</c>, relative to the repository root with forward slashes.</summary>
    public static TheoryData<string> BicepFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(RepositoryRoot.Combine("infra"), "*.bicep", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepositoryRoot.Path, file).Replace('\\', '/'));
        }

        return data;
    }

    public string SourcePath(string relativeBicepPath) => Path.GetFullPath(Path.Combine(WorkDirectory, relativeBicepPath));

    public string CompiledPath(string relativeBicepPath) => Path.ChangeExtension(SourcePath(relativeBicepPath), ".json");

    /// <summary>The compiled template of one Bicep file.</summary>
    public JsonObject Template(string relativeBicepPath)
    {
        lock (_templates)
        {
            if (!_templates.TryGetValue(relativeBicepPath, out var template))
            {
                var path = CompiledPath(relativeBicepPath);
                if (!File.Exists(path))
                {
                    throw new InvalidOperationException($"{relativeBicepPath} did not compile:\n{Build.StandardError}");
                }

                template = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
                _templates.Add(relativeBicepPath, template);
            }

            return template;
        }
    }

    public async Task InitializeAsync()
    {
        CopyInputs();
        Build = await BicepCli.RunAsync(WorkDirectory, "build", "--pattern", Pattern);
        Lint = await BicepCli.RunAsync(WorkDirectory, "lint", "--pattern", Pattern);
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }

        return Task.CompletedTask;
    }

    private void CopyInputs()
    {
        var source = RepositoryRoot.Combine("infra");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.EndsWith(".json", StringComparison.Ordinal) && File.Exists(Path.ChangeExtension(file, ".bicep")))
            {
                continue; // a stale compiled template next to its source; the build below makes a fresh one
            }

            var target = Path.Combine(WorkDirectory, "infra", relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        File.Copy(RepositoryRoot.Combine("bicepconfig.json"), Path.Combine(WorkDirectory, "bicepconfig.json"));
    }
}

[CollectionDefinition(Name)]
public sealed class InfraCollection : ICollectionFixture<InfraFixture>
{
    public const string Name = "Compiled infrastructure";
}
