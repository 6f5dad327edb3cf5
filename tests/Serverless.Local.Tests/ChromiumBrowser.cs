using System.Diagnostics;
using Microsoft.Playwright;

namespace Serverless.Local.Tests;

/// <summary>
/// Debian's chromium, driven by Playwright's bundled driver, so no browser is downloaded. A machine without chromium
/// gets it from apt when the tests run as root (as CI does); otherwise the fixture fails and says how to install it.
/// </summary>
public sealed class ChromiumBrowser : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium has not started.");

    public async Task InitializeAsync()
    {
        await EnsureInstalledAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ExecutablePath, Headless = true });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    private static async Task EnsureInstalledAsync()
    {
        if (File.Exists(ExecutablePath))
        {
            return;
        }

        if (!IsRoot())
        {
            throw new InvalidOperationException(
                $"The dashboard browser test needs Debian's chromium at {ExecutablePath}. Install it with `sudo apt-get install -y chromium` (or run the tests as root, which installs it).");
        }

        await RunAsync("apt-get", "update -qq");
        await RunAsync("apt-get", "install -y -qq chromium");
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"apt-get installed chromium but {ExecutablePath} is still missing.");
        }
    }

    private static bool IsRoot() =>
        File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries) is [_, "0", ..];

    private static async Task RunAsync(string command, string arguments)
    {
        var start = new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {command}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"`{command} {arguments}` failed with exit code {process.ExitCode}:\n{await output}\n{await error}");
        }
    }
}
