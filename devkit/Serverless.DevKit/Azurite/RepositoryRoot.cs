namespace Serverless.DevKit.Azurite;

/// <summary>Finds the checkout's root: the folder whose package.json pins Azurite, above the program or the current directory.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Found = new(Find);

    public static string Path => Found.Value;

    private static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var packageJson = System.IO.Path.Combine(dir.FullName, "package.json");
                if (File.Exists(packageJson) && File.ReadAllText(packageJson).Contains("\"azurite\"", StringComparison.Ordinal))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException(
            "Cannot find the repository's package.json (which pins Azurite) above " + AppContext.BaseDirectory + " or " + Environment.CurrentDirectory
            + ". Run from a checkout, or configure Storage:ConnectionString or Storage:BlobServiceUri.");
    }
}
