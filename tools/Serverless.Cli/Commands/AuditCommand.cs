using System.CommandLine;
using System.Globalization;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Privacy.Audit;
using Serverless.Pipeline.Storage;

namespace Serverless.Cli.Commands;

/// <summary><c>audit verify</c>: check a tenant's hash-chained audit log; exit code 1 when it is broken.</summary>
internal static class AuditCommand
{
    public static Command Create(GlobalOptions global, CliEnvironment environment)
    {
        var tenant = CommonOptions.Tenant();
        var verify = new Command("verify", "Verify every record's hash, the links between records, their numbering and the head. Exit code 1 when the chain is broken.")
        {
            tenant,
        };
        verify.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(environment, async () =>
        {
            var name = parse.GetRequiredValue(tenant);
            if (!EnvelopeParser.IsValidTenant(name))
            {
                throw new UsageException($"'{name}' is not a tenant name (1-63 lower-case letters, digits and hyphens).");
            }

            var options = PipelineConnection.ReadOptions(parse, global, environment);
            var (blobs, tables) = PipelineConnection.OpenStorage(parse, global, environment);
            StorageNames names;
            try
            {
                names = new StorageNames(options.StoragePrefix);
            }
            catch (ArgumentException ex)
            {
                throw UsageException.From(ex);
            }

            var storage = new PipelineStorage(blobs, tables, names);
            var log = new AuditLog(storage.Audit, storage.AuditHead, environment.Time);
            var verification = await log.VerifyAsync(name, cancellationToken).ConfigureAwait(false);
            var output = environment.Output;
            if (verification.IsValid)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"The audit chain of {name} is intact: {verification.Records:N0} records."));
                return ExitCodes.Ok;
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"The audit chain of {name} is BROKEN ({verification.Records:N0} records read):"));
            foreach (var problem in verification.Problems)
            {
                output.WriteLine("  " + problem);
            }

            return ExitCodes.Failure;
        }));
        return new Command("audit", "The privacy audit log.") { verify };
    }
}
