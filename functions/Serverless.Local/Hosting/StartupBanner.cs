using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Serverless.Pipeline.Ingestion;
using Serverless.Pipeline.Privacy.Api;

namespace Serverless.Local.Hosting;

/// <summary>What a person starting the runtime needs on the first screen: where it listens, and how to call it.</summary>
public static partial class StartupBanner
{
    public static void Log(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Serverless.Local");
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? app.Urls.FirstOrDefault() ?? "http://127.0.0.1:7071";
        var sources = SourceConfiguration.Names(app.Configuration);
        var keys = (app.Configuration.GetSection("Privacy:ApiKeys").Get<Dictionary<string, ApiKeyOptions>>() ?? [])
            .Select(pair => $"{pair.Key} ({string.Join('/', pair.Value.Roles)})");
        LogListening(logger, url, string.Join(", ", sources), string.Join(", ", keys));
    }

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information,
        Message = "Listening on {Url}: webhooks POST /api/ingest/{{source}} (sources: {Sources}), health /api/health, dashboard /dashboard; privacy and dashboard API keys (X-Api-Key, values in Privacy:ApiKeys of the settings): {Keys}")]
    private static partial void LogListening(ILogger logger, string url, string sources, string keys);
}
