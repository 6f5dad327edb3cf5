using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.DevKit.Azurite;
using Serverless.Local.Workflows;
using Serverless.Pipeline.Composition;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Privacy.Api;

namespace Serverless.Local.Tests;

/// <summary>
/// The processing stage, the privacy activities and a checkpointed runner over a real Azurite, wired as the local
/// runtime wires them, with an optional fault in the storage path: a process that can be killed and started again.
/// </summary>
internal sealed class WorkflowHarness : IAsyncDisposable
{
    private WorkflowHarness(PipelineServices pipeline, LocalPrivacy privacy)
    {
        Pipeline = pipeline;
        Privacy = privacy;
    }

    public PipelineServices Pipeline { get; }
    public LocalPrivacy Privacy { get; }
    public CheckpointedWorkflowRunner Runner => Privacy.Runner;
    public PrivacyApi Api => Privacy.Api;

    public static async Task<WorkflowHarness> StartAsync(AzuriteServer azurite, string prefix, HttpPipelinePolicy? fault = null, Action<PipelineOptions>? configure = null)
    {
        var options = new PipelineOptions
        {
            PseudonymizationKey = Convert.ToBase64String(new byte[32]),
            StoragePrefix = prefix,
            SuppressionCacheLifetime = TimeSpan.FromMilliseconds(50),
            SuppressionMargin = TimeSpan.FromMilliseconds(50),
        };
        configure?.Invoke(options);
        var blobOptions = new BlobClientOptions();
        var tableOptions = new TableClientOptions();
        if (fault is not null)
        {
            blobOptions.AddPolicy(fault, HttpPipelinePosition.PerCall);
            tableOptions.AddPolicy(fault, HttpPipelinePosition.PerCall);
        }

        var pipeline = await PipelineServices.CreateAsync(options, new BlobServiceClient(azurite.ConnectionString, blobOptions),
            new TableServiceClient(azurite.ConnectionString, tableOptions), TimeProvider.System, NullLoggerFactory.Instance, CancellationToken.None);
        await pipeline.Storage.EnsureCreatedAsync(CancellationToken.None);
        return new WorkflowHarness(pipeline, await LocalPrivacy.StartAsync(pipeline, TimeProvider.System, NullLoggerFactory.Instance, CancellationToken.None));
    }

    /// <summary>Customers C-1..C-6 with three events each, one of C-3's quarantined; C-3 spread over two batches.</summary>
    public async Task PopulateAsync()
    {
        var first = Enumerable.Range(1, 6).SelectMany(c => Enumerable.Range(0, 2).Select(i => Requests.PortalEvent($"c{c}-e{i}", $"customer/C-{c}")));
        var second = Enumerable.Range(1, 6).Select(c => Requests.PortalEvent($"c{c}-e2", $"customer/C-{c}"))
            .Append(Requests.PortalEvent("c3-bad", "customer/C-3", data: """{"path":"nope"}"""));
        await ProcessAsync(first, 0);
        await ProcessAsync(second, 100);
    }

    public Task<Serverless.Pipeline.Processing.BatchResult> ProcessAsync(IEnumerable<string> events, long firstSequence) =>
        Pipeline.Processor.ProcessAsync(Batch(events, firstSequence), CancellationToken.None);

    public async Task<string> EraseAsync(string? subject, string? email = null, string? phone = null)
    {
        var body = Requests.Utf8(new System.Text.Json.Nodes.JsonObject
        {
            ["tenant"] = "acme-law", ["subject"] = subject, ["email"] = email, ["phone"] = phone, ["reason"] = "Art. 17", ["requester"] = "ticket 1",
        }.ToJsonString());
        var response = await Api.CreateAsync("erasure", new Caller("dpo-alice", new HashSet<string> { Caller.ComplianceRole }), "application/json", body,
            "kill-test-" + (subject ?? email ?? phone), "/api/privacy/erasures", CancellationToken.None);
        return ((System.Text.Json.Nodes.JsonObject)response.Body)["id"]!.GetValue<string>();
    }

    public async Task<string> ExportAsync(string email)
    {
        var body = Requests.Utf8(new System.Text.Json.Nodes.JsonObject { ["tenant"] = "acme-law", ["email"] = email, ["requester"] = "the data subject" }.ToJsonString());
        var response = await Api.CreateAsync("export", new Caller("dpo-alice", new HashSet<string> { Caller.ComplianceRole }), "application/json", body,
            "export-" + email, "/api/privacy/exports", CancellationToken.None);
        return ((System.Text.Json.Nodes.JsonObject)response.Body)["id"]!.GetValue<string>();
    }

    public ValueTask DisposeAsync() => Privacy.DisposeAsync();

    private static List<IncomingEvent> Batch(IEnumerable<string> events, long firstSequence) =>
        events.Select((e, i) => new IncomingEvent(Requests.Utf8(e), new StreamPosition("0", firstSequence + i), new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero))).ToList();
}
