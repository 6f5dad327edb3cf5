using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Pipeline.Enrichment;
using Serverless.Pipeline.Storage;

namespace Serverless.Cli.Commands;

/// <summary><c>reference set|list|delete</c>: a tenant's lookup tables for reference-data enrichment.</summary>
internal static class ReferenceCommand
{
    public static Command Create(GlobalOptions global, CliEnvironment environment)
    {
        var command = new Command("reference", "Manage a tenant's reference tables (code -> value), read by schemas that declare x-enrich: reference:{table}.");
        command.Add(Set(global, environment));
        command.Add(List(global, environment));
        command.Add(Delete(global, environment));
        return command;
    }

    private static Command Set(GlobalOptions global, CliEnvironment environment)
    {
        var (tenant, table, code) = (CommonOptions.Tenant(), TableArgument(), new Argument<string>("code") { Description = "The code as events carry it (matched case-insensitively)." });
        var value = new Argument<string>("value") { Description = "What the code stands for." };
        var command = new Command("set", "Add or replace one row.") { tenant, table, code, value };
        command.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(environment, async () =>
        {
            await Open(parse, global, environment).SetAsync(parse.GetRequiredValue(tenant), Table(parse, table), parse.GetRequiredValue(code), parse.GetRequiredValue(value), cancellationToken).ConfigureAwait(false);
            environment.Output.WriteLine($"Set {parse.GetRequiredValue(code)} in {Table(parse, table)}; processing instances see it within their cache lifetime.");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command List(GlobalOptions global, CliEnvironment environment)
    {
        var (tenant, table) = (CommonOptions.Tenant(), TableArgument());
        var command = new Command("list", "Print a table's rows, code and value separated by a tab.") { tenant, table };
        command.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(environment, async () =>
        {
            foreach (var (code, value) in await Open(parse, global, environment).ListAsync(parse.GetRequiredValue(tenant), Table(parse, table), cancellationToken).ConfigureAwait(false))
            {
                environment.Output.WriteLine($"{code}\t{value}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Delete(GlobalOptions global, CliEnvironment environment)
    {
        var (tenant, table, code) = (CommonOptions.Tenant(), TableArgument(), new Argument<string>("code") { Description = "The code to remove." });
        var command = new Command("delete", "Remove one row.") { tenant, table, code };
        command.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(environment, async () =>
        {
            var removed = await Open(parse, global, environment).DeleteAsync(parse.GetRequiredValue(tenant), Table(parse, table), parse.GetRequiredValue(code), cancellationToken).ConfigureAwait(false);
            environment.Output.WriteLine(removed ? $"Deleted {parse.GetRequiredValue(code)}." : $"{parse.GetRequiredValue(code)} was not in {Table(parse, table)}.");
            return removed ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return command;
    }

    private static Argument<string> TableArgument() => new("table") { Description = "The table's name, as in the schema's reference:{table} (lower-case letters, digits, '-' and '_')." };

    private static string Table(ParseResult parse, Argument<string> table)
    {
        var name = parse.GetRequiredValue(table);
        return ReferenceTables.IsValidTableName(name)
            ? name
            : throw new UsageException($"'{name}' is not a reference table name: lower-case letters, digits, '-' and '_', at most 63.");
    }

    private static ReferenceTables Open(ParseResult parse, GlobalOptions global, CliEnvironment environment)
    {
        var options = PipelineConnection.ReadOptions(parse, global, environment);
        var (blobs, tables) = PipelineConnection.OpenStorage(parse, global, environment);
        var storage = new PipelineStorage(blobs, tables, new StorageNames(options.StoragePrefix));
        return new ReferenceTables(storage.Reference, environment.Time, options.Enrichment, NullLogger.Instance);
    }
}
