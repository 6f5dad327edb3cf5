using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Cli.Terminal;
using Serverless.Pipeline.Recovery;

namespace Serverless.Cli.Commands;

/// <summary><c>rebuild</c>: the tenant's hot views from the raw archive, for a time range.</summary>
internal static class RebuildCommand
{
    public static Command Create(GlobalOptions global, CliEnvironment environment)
    {
        var tenant = CommonOptions.Tenant();
        var from = CommonOptions.Time("--from", "Start of the range of archive hours (inclusive).", required: true);
        var to = CommonOptions.Time("--to", "End of the range (exclusive; rounded up to a whole hour).", required: true);
        var late = CommonOptions.Duration("--late-arrival", "Read the archive only this far past the range for the daily counters (default: to its end, exact).");
        var command = new Command("rebuild", "Rebuild a tenant's hot views (customers, counters, indexes) from the raw archive and quarantine of a time range.")
        {
            tenant, from, to, late,
        };
        command.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(environment, async () =>
        {
            RebuildRequest request;
            try
            {
                request = new RebuildRequest(parse.GetRequiredValue(tenant), parse.GetValue(from)!.Value, parse.GetValue(to)!.Value)
                {
                    LateArrival = parse.GetValue(late),
                };
            }
            catch (ArgumentException ex)
            {
                throw UsageException.From(ex);
            }

            var options = PipelineConnection.ReadOptions(parse, global, environment);
            var pipeline = await PipelineConnection.OpenPipelineAsync(parse, global, environment, options, NullLoggerFactory.Instance, cancellationToken).ConfigureAwait(false);
            var rebuilder = new ViewRebuilder(pipeline, environment.Time, NullLogger<ViewRebuilder>.Instance);
            var progress = new ProgressLine<RebuildProgress>(environment.Error, p => string.Create(CultureInfo.InvariantCulture,
                $"{p.Phase,-10} blobs {p.BlobsRead,7:N0}  events {p.Events,9:N0}  quarantined {p.Quarantined,7:N0}  customers {p.Customers,7:N0}/{p.CustomersTotal:N0}"));
            var result = await rebuilder.RebuildAsync(request, progress, cancellationToken).ConfigureAwait(false);
            progress.Complete();

            var output = environment.Output;
            output.WriteLine($"Rebuilt the views of {request.Tenant} from the archive of {CommonOptions.Format(request.From)} to {CommonOptions.Format(request.To)}");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  blobs read     {result.BlobsRead,10:N0}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  events         {result.Events,10:N0}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  quarantined    {result.Quarantined,10:N0}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  customers      {result.Customers,10:N0}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  counter days   {result.CounterDays,10:N0}  ({result.CounterRows:N0} rows)"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  stale deleted  {result.StaleDeleted,10:N0}"));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
