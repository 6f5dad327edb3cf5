using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Serverless.Functions.Hosting;
using Serverless.Pipeline.Http;

namespace Serverless.Functions.Tests.Published;

/// <summary>
/// The built app as the Functions host reads it (functions.metadata, worker.config.json, host.json), checked against
/// the app settings that infra gives the deployed site. What is bound here must exist there, or the host would start
/// the function with an unresolved <c>%setting%</c> or connection.
/// </summary>
[Collection(PublishedAppCollection.Name)]
public sealed partial class PublishedAppTests(PublishedAppFixture app)
{
    /// <summary>Every function of the app, with its trigger: a new, renamed or removed function must be seen here.</summary>
    public static TheoryData<string, string> ExpectedFunctions => new()
    {
        { "Health", "httpTrigger" },
        { "IngestWebhook", "httpTrigger" },
        { "ProcessEvents", "eventHubTrigger" },
        { "PrivacyCreateErasure", "httpTrigger" },
        { "PrivacyListErasures", "httpTrigger" },
        { "PrivacyGetErasure", "httpTrigger" },
        { "PrivacyApproveErasure", "httpTrigger" },
        { "PrivacyCancelErasure", "httpTrigger" },
        { "PrivacyCreateExport", "httpTrigger" },
        { "PrivacyGetExport", "httpTrigger" },
        { "PrivacyVerifyAudit", "httpTrigger" },
        { "ErasureWorkflow", "orchestrationTrigger" },
        { "ExportWorkflow", "orchestrationTrigger" },
        { "WorkflowHistoryPurge", "timerTrigger" },
        { "Privacy_Register", "activityTrigger" },
        { "Privacy_Suppress", "activityTrigger" },
        { "Privacy_SetStatus", "activityTrigger" },
        { "Privacy_DeleteViews", "activityTrigger" },
        { "Privacy_PurgeRaw", "activityTrigger" },
        { "Privacy_PurgeQuarantine", "activityTrigger" },
        { "Privacy_ShredKeys", "activityTrigger" },
        { "Privacy_Verify", "activityTrigger" },
        { "Privacy_Complete", "activityTrigger" },
        { "Privacy_Close", "activityTrigger" },
        { "Privacy_GatherExport", "activityTrigger" },
    };

    // What the deployed extensions read from host.json (Event Hubs worker extension 6.x with its host extension
    // Microsoft.Azure.WebJobs.Extensions.EventHubs 6.x, Durable Functions 2.x/3.x on Azure Storage, HTTP), from their
    // host.json reference documentation. A key outside these is ignored by the host: a setting that silently does nothing.
    private static readonly Dictionary<string, string[]> ExtensionSettings = new(StringComparer.Ordinal)
    {
        ["http"] = ["routePrefix", "maxOutstandingRequests", "maxConcurrentRequests", "dynamicThrottlesEnabled", "hsts", "customHeaders"],
        ["eventHubs"] =
        [
            "maxEventBatchSize", "minEventBatchSize", "maxWaitTime", "batchCheckpointFrequency", "prefetchCount", "transportType",
            "webProxy", "customEndpointAddress", "targetUnprocessedEventThreshold",
            "initialOffsetOptions.type", "initialOffsetOptions.enqueuedTimeUtc",
            "clientRetryOptions.mode", "clientRetryOptions.tryTimeout", "clientRetryOptions.delay", "clientRetryOptions.maximumDelay",
            "clientRetryOptions.maximumRetries",
        ],
        ["durableTask"] =
        [
            "hubName", "defaultVersion", "versionMatchStrategy", "versionFailureStrategy", "tracing", "notifications", "httpSettings",
            "maxConcurrentActivityFunctions", "maxConcurrentOrchestratorFunctions", "maxConcurrentEntityFunctions",
            "extendedSessionsEnabled", "extendedSessionIdleTimeoutInSeconds", "useAppLease", "useGracefulShutdown",
            "maxEntityOperationBatchSize", "storeInputsInOrchestrationHistory",
            "storageProvider.connectionName", "storageProvider.controlQueueBatchSize", "storageProvider.controlQueueBufferThreshold",
            "storageProvider.controlQueueVisibilityTimeout", "storageProvider.maxQueuePollingInterval", "storageProvider.partitionCount",
            "storageProvider.trackingStoreConnectionName", "storageProvider.trackingStoreNamePrefix",
            "storageProvider.useLegacyPartitionManagement", "storageProvider.useTablePartitionManagement",
            "storageProvider.workItemQueueVisibilityTimeout",
        ],
    };

    private static readonly string[] HostSettings =
        ["version", "functionTimeout", "telemetryMode", "logging", "extensions", "concurrency", "healthMonitor", "singleton", "retry", "aggregator"];

    [Fact]
    public void Metadata_Functions_AreExactlyTheAppsFunctionsWithTheirTriggers()
    {
        var expected = ExpectedFunctions.Select(row => $"{row[0]} {row[1]}").Order(StringComparer.Ordinal);

        var actual = app.Functions.Select(f => $"{f["name"]} {Trigger(f)["type"]}").Order(StringComparer.Ordinal);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Metadata_HttpFunctions_AreAnonymousUnderTheApiRoutes()
    {
        // Anonymous at the Functions level on purpose: webhooks are verified by their signature, the privacy API by
        // App Service authentication and the caller's roles, health says nothing about data.
        var http = app.Functions.Select(Trigger).Where(t => t["type"]!.GetValue<string>() == "httpTrigger").ToList();

        Assert.Equal(ExpectedFunctions.Count(row => (string)row[1] == "httpTrigger"), http.Count);
        Assert.All(http, t => Assert.Equal("Anonymous", t["authLevel"]!.GetValue<string>()));
        Assert.All(http, t => Assert.Single(t["methods"]!.AsArray()));
        Assert.Equal("api", app.Host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());
    }

    [Fact]
    public void Metadata_HttpFunctions_AreThePipelineRouteTable()
    {
        var expected = PipelineRoutes.All.Select(r => $"{r.Name} {r.Method.ToLowerInvariant()} {r.Template}").Order(StringComparer.Ordinal);

        var actual = app.Functions.Select(f => (Name: f["name"]!.GetValue<string>(), Trigger: Trigger(f)))
            .Where(f => f.Trigger["type"]!.GetValue<string>() == "httpTrigger")
            .Select(f => $"{f.Name} {f.Trigger["methods"]![0]!.GetValue<string>()} {f.Trigger["route"]!.GetValue<string>()}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Metadata_EventHubTrigger_BindsBatchedStringsThatBothExtensionVersionsSupply()
    {
        var trigger = Trigger(app.Function("ProcessEvents"));

        Assert.Equal("Many", trigger["cardinality"]!.GetValue<string>());
        Assert.Equal("String", trigger["dataType"]!.GetValue<string>());
        Assert.Equal(AppSettings.EventHubConnection, trigger["connection"]!.GetValue<string>());
        Assert.Equal("%EventHubName%", trigger["eventHubName"]!.GetValue<string>());
        Assert.Equal("%EventHubConsumerGroup%", trigger["consumerGroup"]!.GetValue<string>());
        Assert.Null(app.Function("ProcessEvents")["retry"]);
    }

    [Fact]
    public void Metadata_EveryPercentSetting_IsAnAppSettingOfTheDeployedSite()
    {
        var settings = app.Functions.SelectMany(PublishedAppFixture.Bindings)
            .SelectMany(b => b.Select(p => p.Value?.ToString() ?? string.Empty))
            .SelectMany(value => PercentSetting().Matches(value).Select(m => m.Groups[1].Value))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(["EventHubConsumerGroup", "EventHubName"], settings.Order(StringComparer.Ordinal));
        Assert.All(settings, s => Assert.Contains(s, app.SiteSettingNames));
    }

    [Fact]
    public void Metadata_EveryConnection_HasIdentityBasedSettingsOnTheDeployedSite()
    {
        var connections = app.Functions.SelectMany(PublishedAppFixture.Bindings)
            .Select(b => b["connection"]?.GetValue<string>())
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();

        Assert.Equal([AppSettings.EventHubConnection], connections);
        Assert.Contains("EventHubConnection__fullyQualifiedNamespace", app.SiteSettingNames);
        Assert.Contains("EventHubConnection__credential", app.SiteSettingNames);
        // The Durable task hub, the timer's schedule monitor and the trigger's checkpoints use the host storage connection.
        Assert.Contains("AzureWebJobsStorage__credential", app.SiteSettingNames);
        Assert.Contains("AzureWebJobsStorage__blobServiceUri", app.SiteSettingNames);
        Assert.Contains("AzureWebJobsStorage__queueServiceUri", app.SiteSettingNames);
        Assert.Contains("AzureWebJobsStorage__tableServiceUri", app.SiteSettingNames);
    }

    [Theory]
    [InlineData(AppSettings.ManagedIdentityClientId)]
    [InlineData(AppSettings.StorageBlobUri)]
    [InlineData(AppSettings.StorageTableUri)]
    [InlineData(AppSettings.EventHubNamespace)]
    [InlineData(AppSettings.EventHubName)]
    [InlineData(AppSettings.ApplicationInsightsConnectionString)]
    [InlineData("Pipeline:PseudonymizationKey")]
    public void AppSettings_KeyTheAppReads_IsDeployed(string key)
    {
        Assert.Contains(AppSettings.AsAppSetting(key), app.SiteSettingNames);
    }

    [Fact]
    public void AppSettings_WebhookSecrets_AreDeployedPerSource()
    {
        Assert.Contains(app.SiteSettingNames, n => n.Contains("Pipeline__Sources__", StringComparison.Ordinal)
            && n.Contains("__Secrets__0", StringComparison.Ordinal));
    }

    [Fact]
    public void HostJson_TopLevelSettings_AreOnesTheHostReads()
    {
        Assert.All(app.Host.Select(p => p.Key), key => Assert.Contains(key, HostSettings));
        Assert.Equal("2.0", app.Host["version"]!.GetValue<string>());
    }

    [Fact]
    public void HostJson_ExtensionSettings_AreOnesTheDeployedExtensionsRead()
    {
        var extensions = app.Host["extensions"]!.AsObject();

        Assert.All(extensions.Select(p => p.Key), name => Assert.Contains(name, ExtensionSettings.Keys));
        foreach (var (name, section) in extensions)
        {
            Assert.All(LeafPaths(section!.AsObject(), prefix: string.Empty), path => Assert.Contains(path, ExtensionSettings[name]));
        }
    }

    [Fact]
    public void HostJson_EventHubsBatchAndOffset_AreValuesTheExtensionAccepts()
    {
        var eventHubs = app.Host["extensions"]!["eventHubs"]!;

        Assert.Contains(eventHubs["initialOffsetOptions"]!["type"]!.GetValue<string>(), new[] { "fromStart", "fromEnd", "fromEnqueuedTime" });
        Assert.InRange(eventHubs["minEventBatchSize"]!.GetValue<int>(), 1, eventHubs["maxEventBatchSize"]!.GetValue<int>());
        Assert.True(eventHubs["prefetchCount"]!.GetValue<int>() >= eventHubs["maxEventBatchSize"]!.GetValue<int>(),
            "prefetchCount below maxEventBatchSize caps every batch at the prefetch size.");
        Assert.Equal(1, eventHubs["batchCheckpointFrequency"]!.GetValue<int>());
    }

    [Fact]
    public void HostJson_FunctionTimeout_IsUnboundedSoARetriedBatchIsNeverTimedOutAndCheckpointed()
    {
        // ProcessEvents retries a failed batch until it passes; a timeout would end the invocation as failed, and the
        // trigger checkpoints a failed invocation unless the host is stopping. Flex Consumption allows -1 (unbounded);
        // HTTP responses stay bounded by the platform's 230 s regardless.
        Assert.Equal("-1", app.Host["functionTimeout"]!.GetValue<string>());
    }

    [Fact]
    public void WorkerConfig_RunsTheAppAssemblyWithWorkerIndexing()
    {
        var description = app.WorkerConfig["description"]!;

        Assert.Equal("dotnet-isolated", description["language"]!.GetValue<string>());
        Assert.Equal("Serverless.Functions.dll", description["defaultWorkerPath"]!.GetValue<string>());
        Assert.Equal("true", description["workerIndexing"]!.GetValue<string>());
    }

    private static JsonObject Trigger(JsonObject function) =>
        Assert.Single(PublishedAppFixture.Bindings(function), b => b["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal));

    private static IEnumerable<string> LeafPaths(JsonObject section, string prefix) =>
        section.SelectMany(p => p.Value is JsonObject inner
            ? LeafPaths(inner, prefix + p.Key + ".")
            : [prefix + p.Key]);

    [GeneratedRegex("%([A-Za-z0-9_]+)%")]
    private static partial Regex PercentSetting();
}
