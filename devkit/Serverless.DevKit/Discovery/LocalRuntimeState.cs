using System.Text.Json;
using Serverless.DevKit.Azurite;

namespace Serverless.DevKit.Discovery;

/// <summary>
/// What a running local runtime tells the tools beside it: how to reach the Azurite it started (the emulator's
/// well-known account, no secret of anyone's), which settings file it read and its storage prefix. Written at start,
/// removed at stop; only ever for an Azurite the runtime started itself.
/// </summary>
public sealed record LocalRuntimeState(string ConnectionString, string? SettingsFile, string? StoragePrefix, int ProcessId)
{
    public const string DefaultPath = ".azurite/runtime.json";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The state file's full path: relative paths are under the repository root.</summary>
    public static string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.Combine(RepositoryRoot.Path, path);

    public async Task WriteAsync(string path, CancellationToken cancellationToken)
    {
        var full = Resolve(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + "." + ProcessId + ".tmp";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(this, JsonOptions), cancellationToken).ConfigureAwait(false);
        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>The state of a runtime that is still running, or null (no file, unreadable, or its process has ended).</summary>
    public static LocalRuntimeState? ReadLive(string path)
    {
        var full = Resolve(path);
        if (!File.Exists(full))
        {
            return null;
        }

        try
        {
            var state = JsonSerializer.Deserialize<LocalRuntimeState>(File.ReadAllText(full), JsonOptions);
            return state is not null && IsRunning(state.ProcessId) ? state : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Removes the file if it is this process's (another runtime may have written it since).</summary>
    public static void RemoveIfOwn(string path)
    {
        var full = Resolve(path);
        try
        {
            if (File.Exists(full) && JsonSerializer.Deserialize<LocalRuntimeState>(File.ReadAllText(full), JsonOptions)?.ProcessId == Environment.ProcessId)
            {
                File.Delete(full);
            }
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            // A stale file is read as "not running" once its process has ended.
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
