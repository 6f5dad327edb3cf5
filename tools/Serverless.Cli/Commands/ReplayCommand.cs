using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Cli.Terminal;
using Serverless.Pipeline.Recovery;

namespace Serverless.Cli.Commands;

/// <summary><c>replay</c>: send a tenant's quarantined events through the pipeline again, after a schema fix.</summary>
internal static class ReplayCommand
{
    public static Command Create(GlobalOptions global, CliEnvironment environment)
    {
        var tenant = CommonOptions.Tenant();
        var from = CommonOptions.Time("--from", "Only quarantine blobs from this hour on (with --to).", required: false);
        var to = CommonOptions.Time("--to", "Only quarantine blobs before this time (with --from).", required: false);
        var schemas = new Option<DirectoryInfo?>("--schemas")
        {
            Description = "A directory of fixed or added schemas ({type}/{M-R-A}.json), over the shipped ones (Pipeline:SchemaDirectory).",
        };
        var command = new Command("replay", "Replay a tenant's quarantined events; an event leaves quarantine only once it is stored.")
        {
            tenant, from, to, schemas,
        };
        command.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(environment, async () =>
        {
            var name = parse.GetRequiredValue(tenant);
            if (!Pipeline.Events.EnvelopeParser.IsValidTenant(name))
            {
                throw new UsageException($"'{name}' is not a tenant name (1-63 lower-case letters, digits and hyphens).");
            }

            var (start, end) = (parse.GetValue(from), parse.GetValue(to));
            if (start.HasValue != end.HasValue)
            {
                throw new UsageException("Give both --from and --to, or neither (the whole quarantine of the tenant).");
            }

            ArchiveWindow? window;
            try
            {
                window = start is { } s && end is { } e ? ArchiveWindow.Covering(s, e) : null;
            }
            catch (ArgumentException ex)
            {
                throw UsageException.From(ex);
            }

            var options = PipelineConnection.ReadOptions(parse, global, environment);
            if (parse.GetValue(schemas) is { } directory)
            {
                if (!directory.Exists)
                {
                    throw new UsageException($"The schema directory '{directory.FullName}' does not exist.");
                }

                options.SchemaDirectory = directory.FullName;
            }

            var pipeline = await PipelineConnection.OpenPipelineAsync(parse, global, environment, options, NullLoggerFactory.Instance, cancellationToken).ConfigureAwait(false);
            var replay = new QuarantineReplay(pipeline, environment.Time);
            var progress = new ProgressLine<ReplayResult>(environment.Error, r => string.Create(CultureInfo.InvariantCulture,
                $"examined {r.Examined,8:N0}  stored {r.Stored,8:N0}  still failing {r.StillFailing,8:N0}"));
            var result = window is { } w
                ? await replay.ReplayAsync(name, w, progress, cancellationToken).ConfigureAwait(false)
                : await replay.ReplayTenantAsync(name, cancellationToken).ConfigureAwait(false);
            progress.Complete();

            var output = environment.Output;
            output.WriteLine(window is { } shown
                ? $"Replayed the quarantine of {name} from {CommonOptions.Format(shown.From)} to {CommonOptions.Format(shown.To)}"
                : $"Replayed the whole quarantine of {name}");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  examined       {result.Examined,10:N0}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  stored         {result.Stored,10:N0}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  duplicates     {result.Duplicates,10:N0}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  suppressed     {result.Suppressed,10:N0}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  still failing  {result.StillFailing,10:N0}  {string.Join(", ", result.StillFailingByReason.OrderBy(r => r.Key).Select(r => $"{r.Key} {r.Value:N0}"))}"));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
