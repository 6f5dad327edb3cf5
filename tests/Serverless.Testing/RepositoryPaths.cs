using Serverless.DevKit.Azurite;

namespace Serverless.Testing;

/// <summary>The repository root (the folder with the package.json that pins Azurite) and the sample payloads beside the tests.</summary>
public static class RepositoryPaths
{
    public static string Root => RepositoryRoot.Path;

    public static string Samples => Path.Combine(AppContext.BaseDirectory, "samples");

    public static string Sample(string name) => Path.Combine(Samples, name);
}
