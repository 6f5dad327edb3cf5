using System.CommandLine;
using Serverless.Cli.Commands;

namespace Serverless.Cli;

/// <summary>The command tree, and how a run maps to an exit code.</summary>
public static class CliApplication
{
    public static RootCommand Build(CliEnvironment environment)
    {
        var global = new GlobalOptions();
        var root = new RootCommand("Operate the serverless customer-data pipeline. Exit codes: 0 ok, 1 failure (or a broken audit chain), 2 bad usage.");
        global.AddTo(root);
        root.Add(ReplayCommand.Create(global, environment));
        root.Add(RebuildCommand.Create(global, environment));
        root.Add(AuditCommand.Create(global, environment));
        root.Add(ReferenceCommand.Create(global, environment));
        root.Add(LoadCommand.Create(environment));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var root = Build(environment);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await environment.Error.WriteLineAsync(error.Message).ConfigureAwait(false);
            }

            await environment.Error.WriteLineAsync("Run with --help for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration { Output = environment.Output, Error = environment.Error, EnableDefaultExceptionHandler = false };
        return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a command's body, turning bad usage into exit code 2 and a failure into 1, with a message on stderr.</summary>
    internal static async Task<int> GuardAsync(CliEnvironment environment, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (UsageException ex)
        {
            await environment.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException)
        {
            await environment.Error.WriteLineAsync("Cancelled.").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
#pragma warning disable CA1031 // An operator's tool reports any failure as exit code 1 with its message.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await environment.Error.WriteLineAsync($"Failed: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }
}
