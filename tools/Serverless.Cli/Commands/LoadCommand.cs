using System.CommandLine;
using System.Globalization;
using System.Net;
using Serverless.Cli.Terminal;
using Serverless.DevKit.Traffic;

namespace Serverless.Cli.Commands;

/// <summary><c>load</c>: signed synthetic webhooks to a local runtime, with events/s and latency at the end.</summary>
internal static class LoadCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var url = new Option<string>("--url")
        {
            Description = "The local runtime (loopback only).",
            DefaultValueFactory = _ => "http://127.0.0.1:7071",
        };
        var count = new Option<int>("--count") { Description = "Requests to send.", DefaultValueFactory = _ => 500 };
        var rate = new Option<double>("--rate") { Description = "Requests per second; 0 sends as fast as the concurrency allows.", DefaultValueFactory = _ => 0 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once.", DefaultValueFactory = _ => 8 };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic traffic.", DefaultValueFactory = _ => 2026 };
        count.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 1_000_000) { r.AddError("--count must be between 1 and 1000000."); } });
        rate.Validators.Add(r => { if (r.GetValueOrDefault<double>() is < 0 or double.NaN or double.PositiveInfinity) { r.AddError("--rate must be 0 or more."); } });
        concurrency.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 1024) { r.AddError("--concurrency must be between 1 and 1024."); } });
        var command = new Command("load", "Send signed synthetic webhooks (the demo's four sources) to a running local runtime; prints events/s and latency.")
        {
            url, count, rate, concurrency, seed,
        };
        command.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(environment, async () =>
        {
            var target = LoopbackUri(parse.GetRequiredValue(url));
            var plan = new LoadPlan(target, parse.GetValue(count), parse.GetValue(rate), parse.GetValue(concurrency), parse.GetValue(seed));
            using var http = new HttpClient { BaseAddress = target, Timeout = TimeSpan.FromSeconds(60) };
            var progress = new ProgressLine<LoadReport>(environment.Error, r => string.Create(CultureInfo.InvariantCulture,
                $"{r.Elapsed.TotalSeconds,6:F1} s  requests {r.Requests,8:N0}/{plan.Requests:N0}  events {r.EventsAccepted,9:N0}  {r.EventsPerSecond,8:N0} events/s"));
            var report = await new LoadRun(http, environment.Time).RunAsync(plan, progress, cancellationToken).ConfigureAwait(false);
            progress.Complete();
            Print(environment.Output, plan, report);
            return report.TransportFailures == 0 && report.ServerErrors == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return command;
    }

    // Load goes to this machine only: the runtime under test, never someone else's service.
    private static Uri LoopbackUri(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"'{text}' is not an http(s) URL.");
        }

        if (!uri.IsLoopback && !(IPAddress.TryParse(uri.Host, out var address) && IPAddress.IsLoopback(address)))
        {
            throw new UsageException($"'{uri.Host}' is not a loopback address: load is only sent to a runtime on this machine.");
        }

        return uri;
    }

    private static void Print(TextWriter output, LoadPlan plan, LoadReport report)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Sent {report.Requests:N0} requests to {plan.BaseAddress} in {report.Elapsed.TotalSeconds:F1} s, {plan.Concurrency} at a time"));
        output.WriteLine($"  statuses        {string.Join(", ", report.Statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key}: {s.Value:N0}")))}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  failed to send  {report.TransportFailures,10:N0}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  events accepted {report.EventsAccepted,10:N0}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  throughput      {report.RequestsPerSecond,10:N1} requests/s, {report.EventsPerSecond:N1} events/s"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  latency (ms)    p50 {report.Percentile(50):F1}  p95 {report.Percentile(95):F1}  p99 {report.Percentile(99):F1}  max {report.Percentile(100):F1}"));
    }
}
