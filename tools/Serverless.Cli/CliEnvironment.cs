using System.Collections;
using Serverless.DevKit.Discovery;

namespace Serverless.Cli;

/// <summary>What a command reads from and writes to outside its arguments: results, progress, environment variables.</summary>
public sealed record CliEnvironment(TextWriter Output, TextWriter Error, IReadOnlyDictionary<string, string> Variables, TimeProvider Time)
{
    /// <summary>The local runtime running from this checkout, if any: its storage and settings are the default.</summary>
    public LocalRuntimeState? LocalRuntime { get; init; }

    public static CliEnvironment FromProcess() =>
        new(System.Console.Out, System.Console.Error,
            Environment.GetEnvironmentVariables().Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? string.Empty, StringComparer.Ordinal),
            TimeProvider.System)
        {
            LocalRuntime = FindLocalRuntime(),
        };

    private static LocalRuntimeState? FindLocalRuntime()
    {
        try
        {
            return LocalRuntimeState.ReadLive(LocalRuntimeState.DefaultPath);
        }
        catch (InvalidOperationException)
        {
            return null; // not run from a checkout: no local runtime to find
        }
    }

    public string? Variable(string name) => Variables.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
}
