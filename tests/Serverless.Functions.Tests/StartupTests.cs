using Serverless.Functions.Hosting;

namespace Serverless.Functions.Tests;

/// <summary>
/// A missing or unusable setting never stops the worker: it starts, health answers 503 naming the setting, and each
/// function that needs it answers 503 naming it too. No storage or Event Hubs is reached: each answer comes from the
/// settings alone.
/// </summary>
public sealed class StartupTests
{
    private static readonly Dictionary<string, string?> Complete = new()
    {
        [AppSettings.StorageBlobUri] = "https://pipeline.blob.core.windows.net",
        [AppSettings.StorageTableUri] = "https://pipeline.table.core.windows.net",
        [AppSettings.EventHubName] = "events",
        [AppSettings.EventHubNamespace] = "pipeline.servicebus.windows.net",
        [AppSettings.AppServiceAuthenticationEnabled] = "True",
    };

    public static TheoryData<string, string, string?> MissingSettings => new()
    {
        { AppSettings.StorageBlobUri, "Pipeline__StorageBlobUri", null },
        { AppSettings.StorageTableUri, "Pipeline__StorageTableUri", null },
        { AppSettings.StorageBlobUri, "Pipeline__StorageBlobUri", "not a uri" },
        { AppSettings.EventHubName, "EventHubName", null },
        { AppSettings.EventHubNamespace, "EventHubConnection__fullyQualifiedNamespace", null },
    };

    [Theory]
    [MemberData(nameof(MissingSettings))]
    public async Task Worker_SettingMissingOrWrong_StartsAndHealthIs503NamingIt(string key, string appSetting, string? value)
    {
        await using var app = FunctionsApp.Create(Without(key, value));

        await app.StartAsync();
        var health = await app.SendAsync(new HostRequest("GET", "/api/health", HttpInvocation.Headers()));

        Assert.Equal(503, health.Status);
        Assert.Equal("application/problem+json", health.ContentType);
        Assert.EndsWith("not-configured", health.ProblemType, StringComparison.Ordinal);
        Assert.Contains(appSetting, health.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(AppSettings.EventHubName, "EventHubName")]
    [InlineData(AppSettings.EventHubNamespace, "EventHubConnection__fullyQualifiedNamespace")]
    [InlineData(AppSettings.StorageBlobUri, "Pipeline__StorageBlobUri")]
    public async Task Ingest_StreamOrStorageSettingMissing_Is503NamingIt(string key, string appSetting)
    {
        await using var app = FunctionsApp.Create(Without(key, null));

        var answer = await app.SendAsync(new HostRequest("POST", "/api/ingest/intake-pro", HttpInvocation.Headers(), "{}"u8.ToArray(), "application/json"));

        Assert.Equal(503, answer.Status);
        Assert.EndsWith("not-configured", answer.ProblemType, StringComparison.Ordinal);
        Assert.Contains(appSetting, answer.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/api/privacy/erasures/er_1")]
    [InlineData("GET", "/api/privacy/erasures")]
    [InlineData("POST", "/api/privacy/erasures/er_1/approve")]
    [InlineData("GET", "/api/privacy/audit/acme-law/verify")]
    public async Task PrivacyRoute_StorageSettingMissing_Is503NamingIt(string method, string path)
    {
        await using var app = FunctionsApp.Create(Without(AppSettings.StorageTableUri, null));

        var answer = await app.SendAsync(new HostRequest(method, path, HttpInvocation.Headers(HttpInvocation.Principal("Officer A", "compliance"))));

        Assert.Equal(503, answer.Status);
        Assert.Contains("Pipeline__StorageTableUri", answer.Detail, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Without(string key, string? value) => new(Complete) { [key] = value };
}
