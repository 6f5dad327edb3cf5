using System.Text.Json.Nodes;
using Serverless.Infra.Tests;

namespace Serverless.Functions.Tests.Published;

/// <summary>
/// What the host would read of the built app: <c>functions.metadata</c> and <c>worker.config.json</c> (written by the
/// Worker SDK into the build output, copied beside these tests), the repository's <c>host.json</c>, and the compiled
/// <c>infra/main.bicep</c> whose Function app settings the app runs with.
/// </summary>
public sealed class PublishedAppFixture : IAsyncLifetime
{
    private readonly string _workDirectory = Path.Combine(Path.GetTempPath(), "serverless-published-app-" + Guid.NewGuid().ToString("N"));

    public IReadOnlyList<JsonObject> Functions { get; private set; } = [];

    public JsonObject WorkerConfig { get; private set; } = [];

    public JsonObject Host { get; private set; } = [];

    /// <summary>The names of the deployed site's app settings, literal or (for a loop) the expression that makes them.</summary>
    public IReadOnlyList<string> SiteSettingNames { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Functions = ReadJson(Path.Combine(AppContext.BaseDirectory, "functions.metadata")).AsArray().Select(f => f!.AsObject()).ToList();
        WorkerConfig = ReadJson(Path.Combine(AppContext.BaseDirectory, "worker.config.json")).AsObject();
        Host = ReadJson(RepositoryRoot.Combine("host.json")).AsObject();

        CopyDirectory(RepositoryRoot.Combine("infra"), Path.Combine(_workDirectory, "infra"));
        File.Copy(RepositoryRoot.Combine("bicepconfig.json"), Path.Combine(_workDirectory, "bicepconfig.json"));
        var build = await BicepCli.RunAsync(_workDirectory, "build", "infra/main.bicep", "--outfile", "main.json");
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException("infra/main.bicep did not compile:\n" + build.StandardError);
        }

        var main = ReadJson(Path.Combine(_workDirectory, "main.json")).AsObject();
        var site = ArmTemplate.Single(main, "Microsoft.Web/sites");
        SiteSettingNames = ArmTemplate.ArrayElements(site.Template, site.Properties["siteConfig"]!["appSettings"])
            .Select(s => s["name"]!.GetValue<string>())
            .ToList();
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_workDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }

        return Task.CompletedTask;
    }

    public JsonObject Function(string name) => Assert.Single(Functions, f => f["name"]!.GetValue<string>() == name);

    public static IEnumerable<JsonObject> Bindings(JsonObject function) => function["bindings"]!.AsArray().Select(b => b!.AsObject());

    private static JsonNode ReadJson(string path) =>
        JsonNode.Parse(File.ReadAllText(path), documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })
        ?? throw new InvalidOperationException(path + " is empty.");

    private static void CopyDirectory(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PublishedAppCollection : ICollectionFixture<PublishedAppFixture>
{
    public const string Name = "Published app";
}
