using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Local.Hosting;

namespace Serverless.Local.Tests;

/// <summary>The README's copy-paste webhook examples, run as written with bash against the runtime on a real port.</summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class ReadmeExamplesTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly string _streamLog = Directory.CreateTempSubdirectory("readme-stream").FullName;
    private WebApplication _app = null!;
    private string _baseAddress = string.Empty;

    public async Task InitializeAsync()
    {
        _app = LocalApplication.Create([
            "--contentRoot", Path.Combine(RepositoryPaths.Root, "functions", "Serverless.Local"),
            "--urls", "http://127.0.0.1:0",
            "--Storage:ConnectionString", azurite.Server.ConnectionString,
            "--Local:Stream:DataDirectory", _streamLog,
            "--Pipeline:StoragePrefix", "r" + Guid.NewGuid().ToString("N")[..10],
            "--Logging:LogLevel:Default", "Warning",
        ]);
        await _app.StartAsync();
        _baseAddress = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_streamLog, recursive: true);
    }

    [Theory]
    [InlineData("standard-webhooks")]
    [InlineData("hmac-sha256")]
    public async Task ReadmeExample_RunAsWritten_Answers202(string example)
    {
        var script = Example(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "README.md")), example);

        var (exitCode, output, error) = await RunBashAsync(script);

        Assert.True(exitCode == 0, $"exit {exitCode}: {error}");
        Assert.Equal("202", output.Trim());
    }

    private static string Example(string readme, string name)
    {
        var match = Regex.Match(readme, "<!-- readme-example: " + Regex.Escape(name) + @" -->\s*```bash\n(?<code>.*?)```", RegexOptions.Singleline);
        Assert.True(match.Success, $"README.md has no example '{name}'.");
        return match.Groups["code"].Value;
    }

    private async Task<(int ExitCode, string Output, string Error)> RunBashAsync(string script)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-euo");
        start.ArgumentList.Add("pipefail");
        start.Environment["BASE"] = _baseAddress;
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
