using System.Collections;

namespace Serverless.Cli;

/// <summary>What a command reads from and writes to outside its arguments: results, progress, environment variables.</summary>
public sealed record CliEnvironment(TextWriter Output, TextWriter Error, IReadOnlyDictionary<string, string> Variables, TimeProvider Time)
{
    public static CliEnvironment FromProcess() =>
        new(System.Console.Out, System.Console.Error,
            Environment.GetEnvironmentVariables().Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? string.Empty, StringComparer.Ordinal),
            TimeProvider.System);

    public string? Variable(string name) => Variables.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
}
