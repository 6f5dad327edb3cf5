using Serverless.Local.Demo;
using Serverless.Local.Hosting;

// The whole pipeline on one machine. `--demo` also sends a synthetic stream to it, prints a summary and exits.
var demo = args.Contains("--demo");
var builder = WebApplication.CreateBuilder(args.Where(a => a != "--demo").ToArray());
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:" + (builder.Configuration["Local:Port"] ?? "7071"));
}

builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 8 * 1024 * 1024);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<LocalRuntime>();
builder.Services.AddHostedService(services => services.GetRequiredService<LocalRuntime>());

var app = builder.Build();
app.UseMiddleware<ProblemMiddleware>();
app.MapPost("/api/ingest/{source}", IngestEndpoint.HandleAsync);
app.MapGet("/api/health", HealthEndpoint.Handle);

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
