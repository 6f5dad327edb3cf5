using Microsoft.Extensions.Configuration.Json;
using Serverless.Local.Telemetry;

namespace Serverless.Local.Hosting;

/// <summary>Composes the local runtime: the same routes as the Functions app, over the pipeline, on Kestrel.</summary>
public static class LocalApplication
{
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        UseSettingsBesideTheProgram(builder);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls("http://127.0.0.1:" + (builder.Configuration["Local:Port"] ?? "7071"));
        }

        // Kestrel's own limit stays above the pipeline's 1 MB, so an oversized body gets our problem+json 413.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 8 * 1024 * 1024);
        builder.AddPipelineTelemetry();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<LocalRuntime>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LocalRuntime>());
        builder.Services.AddPipelineHttp();

        var app = builder.Build();
        app.UseMiddleware<ProblemMiddleware>();
        app.MapPipelineRoutes();
        Dashboard.DashboardEndpoints.Map(app);
        app.Lifetime.ApplicationStarted.Register(() => StartupBanner.Log(app));
        return app;
    }

    /// <summary>
    /// Reads the appsettings.json that the build copies beside the program when the content root (the current
    /// directory) has none, so the runtime finds its settings wherever it is started from; in the same place among the
    /// configuration sources, so environment variables and arguments still override it.
    /// </summary>
    private static void UseSettingsBesideTheProgram(WebApplicationBuilder builder)
    {
        const string file = "appsettings.json";
        var beside = Path.Combine(AppContext.BaseDirectory, file);
        if (File.Exists(Path.Combine(builder.Environment.ContentRootPath, file)) || !File.Exists(beside))
        {
            return;
        }

        var sources = builder.Configuration.Sources;
        var index = sources.Select((source, i) => (source, i))
            .FirstOrDefault(p => p.source is JsonConfigurationSource json && json.Path == file, (null!, 0)).i;
        sources.Insert(index, new JsonConfigurationSource
        {
            Path = file,
            Optional = false,
            FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(AppContext.BaseDirectory),
        });
    }
}
