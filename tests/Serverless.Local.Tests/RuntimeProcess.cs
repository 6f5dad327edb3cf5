using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;

namespace Serverless.Local.Tests;

/// <summary>The local runtime as a process of its own (the test output carries it), so that a test can SIGKILL it.</summary>
internal sealed class RuntimeProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private RuntimeProcess(Process process, HttpClient http)
    {
        _process = process;
        Http = http;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public HttpClient Http { get; }

    /// <summary>What the runtime logged (warnings and errors), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the runtime on <paramref name="port"/> with the given settings and waits until its health endpoint answers.</summary>
    public static async Task<RuntimeProcess> StartAsync(int port, IDictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Serverless.Local.dll"));
        start.ArgumentList.Add("--contentRoot=" + AppContext.BaseDirectory);
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        start.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        var runtime = new RuntimeProcess(Process.Start(start)!, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") });
        var answered = await Poll.UntilAsync(async () =>
        {
            Assert.False(runtime._process.HasExited, "The runtime exited on start: " + runtime.Output);
            try
            {
                await runtime.HealthAsync(CancellationToken.None);
                return true;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromMinutes(2), TimeSpan.FromMilliseconds(100));
        Assert.True(answered, "The runtime did not answer health within 2 minutes: " + runtime.Output);
        return runtime;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The <c>stream</c> part of <c>GET /api/health</c>.</summary>
    public async Task<JsonElement> HealthAsync(CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync(new Uri("/api/health", UriKind.Relative), cancellationToken));
        return document.RootElement.GetProperty("stream").Clone();
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        Http.Dispose();
    }
}
