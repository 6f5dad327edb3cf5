using System.Diagnostics;

namespace Serverless.DevKit.Azurite;

/// <summary>
/// Installs the Azurite version pinned in package.json (npm ci) when node_modules lacks it. Test assemblies run in
/// parallel, so the install is guarded by a lock file that only one process can hold.
/// </summary>
public static class AzuriteInstall
{
    private static readonly SemaphoreSlim InProcess = new(1, 1);

    public static string Script => Path.Combine(RepositoryRoot.Path, "node_modules", "azurite", "dist", "src", "azurite.js");

    public static async Task<string> EnsureAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(Script))
        {
            return Script;
        }

        await InProcess.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var crossProcess = await AcquireLockFileAsync(cancellationToken).ConfigureAwait(false);
            if (!File.Exists(Script))
            {
                await RunNpmCiAsync(cancellationToken).ConfigureAwait(false);
            }

            return File.Exists(Script) ? Script : throw new InvalidOperationException($"npm ci finished but {Script} is missing.");
        }
        finally
        {
            InProcess.Release();
        }
    }

    private static async Task<FileStream> AcquireLockFileAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(RepositoryRoot.Path, ".azurite-install.lock");
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task RunNpmCiAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("npm")
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "ci", "--no-audit", "--no-fund" })
        {
            start.ArgumentList.Add(argument);
        }

        using var npm = Process.Start(start) ?? throw new InvalidOperationException("Could not start npm; Node.js and npm are required to install Azurite.");
        var stdout = npm.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = npm.StandardError.ReadToEndAsync(cancellationToken);
        await npm.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci failed with exit code {npm.ExitCode}:\n{await stdout.ConfigureAwait(false)}\n{await stderr.ConfigureAwait(false)}");
        }
    }
}
