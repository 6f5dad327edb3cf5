using Serverless.Pipeline.Composition;

namespace Serverless.Pipeline.Tests.Unit.Architecture;

/// <summary>The library's folders form layers that point one way: a folder uses only folders of lower layers.</summary>
public sealed class LayerTests
{
    // Bottom to top; docs/architecture.md explains each layer.
    private static readonly (string Layer, string[] Folders)[] Layers =
    [
        ("Foundation", ["Caching", "Configuration", "Problems", "Resilience", "Telemetry"]),
        ("Events", ["Events"]),
        ("Schemas and storage", ["Storage", "Validation"]),
        ("Keys and normalization", ["Keys", "Normalization"]),
        ("Stages", ["Dedupe", "Enrichment", "Ingestion", "Suppression"]),
        ("Preparation", ["Preparation"]),
        ("Records", ["Archive", "Views"]),
        ("Processing and privacy", ["Privacy", "Processing"]),
        ("Recovery and HTTP", ["Http", "Recovery"]),
        ("Composition", ["Composition"]),
    ];

    private static readonly Lazy<FolderGraph> Graph = new(() => FolderGraph.Read(
        Path.Combine(RepositoryPaths.Root, "functions", "Serverless.Pipeline"), typeof(PipelineServices).Assembly));

    [Fact]
    public void LibraryFolders_DependenciesBetweenThem_FormNoCycle()
    {
        var cycles = Graph.Value.FindCycles();

        Assert.True(cycles.Count == 0, "Folders that depend on each other:\n" + string.Join('\n', cycles.Select(Describe)));
    }

    [Fact]
    public void LibraryFolders_EachDependency_PointsToALowerLayer()
    {
        var layerOf = Layers.SelectMany((layer, i) => layer.Folders.Select(f => (Folder: f, Index: i))).ToDictionary(x => x.Folder, x => x.Index, StringComparer.Ordinal);

        var upward = Graph.Value.Edges
            .Where(e => layerOf.ContainsKey(e.From) && layerOf.ContainsKey(e.To) && layerOf[e.To] >= layerOf[e.From])
            .Select(e => $"{e.From} ({Layers[layerOf[e.From]].Layer}) -> {e.To} ({Layers[layerOf[e.To]].Layer}), in {e.Evidence}")
            .ToList();

        Assert.True(upward.Count == 0, "Dependencies that do not point down:\n" + string.Join('\n', upward));
    }

    [Fact]
    public void DeclaredLayers_LibraryFolders_EachInExactlyOneLayer()
    {
        var declared = Layers.SelectMany(l => l.Folders).ToList();

        Assert.Equal(declared.Count, declared.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Graph.Value.Folders, declared.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void LibraryFiles_Namespace_MatchesTheirFolder()
    {
        Assert.Empty(Graph.Value.Misplaced);
    }

    private static string Describe(List<string> cycle) =>
        string.Join(" -> ", cycle) + "\n" + string.Join('\n', cycle.Zip(cycle.Skip(1), (from, to) => $"  {from} -> {to}: {Graph.Value.DependenciesOf(from)[to]}"));
}
