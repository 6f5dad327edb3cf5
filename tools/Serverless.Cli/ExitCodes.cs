namespace Serverless.Cli;

/// <summary>The tool's exit codes.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command ran and failed: storage refused, the audit chain is broken, load requests failed.</summary>
    public const int Failure = 1;

    /// <summary>The command line or configuration is wrong; nothing was done.</summary>
    public const int Usage = 2;
}

/// <summary>A mistake in the command line or configuration, reported with exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message)
{
    /// <summary>A rejected argument, said without the parameter name that means nothing on a command line.</summary>
    public static UsageException From(ArgumentException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var message = exception.ParamName is null ? exception.Message : exception.Message.Replace($" (Parameter '{exception.ParamName}')", string.Empty, StringComparison.Ordinal);
        return new UsageException(message);
    }
}
