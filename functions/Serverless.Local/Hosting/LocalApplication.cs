using Serverless.Local.Telemetry;

namespace Serverless.Local.Hosting;

/// <summary>Composes the local runtime: the same routes as the Functions app, over the pipeline, on Kestrel.</summary>
public static class LocalApplication
{
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
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
        return app;
    }
}
