using Serverless.Local.Demo;
using Serverless.Local.Hosting;

// The whole pipeline on one machine. `--demo` also sends a synthetic stream to it, prints a summary and exits.
var demo = args.Contains("--demo");
var app = LocalApplication.Create(args.Where(a => a != "--demo").ToArray());
if (!demo)
{
    await app.RunAsync();
    return 0;
}

await app.StartAsync();
var summary = await DemoRunner.RunAsync(app, Console.Out, app.Lifetime.ApplicationStopping);
await app.StopAsync();
return summary.Lost == 0 ? 0 : 1;

/// <summary>The entry point, visible to the end-to-end tests' WebApplicationFactory.</summary>
public partial class Program;
