using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Serverless.DevKit.Webhooks;
using Serverless.Pipeline.Telemetry;
using static Serverless.Pipeline.Telemetry.PipelineTelemetry;

namespace Serverless.Local.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class TelemetryTests(AzuriteFixture azurite)
{

    // A source of this test's own, so that its measurements can be told from those of tests running beside it.
    private static Dictionary<string, string> CrmSource(string name) => new()
    {
        [$"Pipeline:Sources:{name}:Tenant"] = "acme-law",
        [$"Pipeline:Sources:{name}:Format"] = "Json",
        [$"Pipeline:Sources:{name}:Signature"] = "HmacSha256",
        [$"Pipeline:Sources:{name}:SignatureHeader"] = "X-Signature-256",
        [$"Pipeline:Sources:{name}:Secrets:0"] = SampleSecrets.Hmac,
        [$"Pipeline:Sources:{name}:Mapping:IdPath"] = "id",
        [$"Pipeline:Sources:{name}:Mapping:TypePath"] = "type",
        [$"Pipeline:Sources:{name}:Mapping:TypePrefix"] = "crm.",
        [$"Pipeline:Sources:{name}:Mapping:TimePath"] = "occurred_at",
        [$"Pipeline:Sources:{name}:Mapping:SubjectPath"] = "data.contact_id",
        [$"Pipeline:Sources:{name}:Mapping:SubjectPrefix"] = "customer/",
    };

    [Fact]
    public async Task Ingest_OneWebhook_TraceRunsFromTheRequestToItsBlobAndCustomerRow()
    {
        var source = "crm-" + Guid.NewGuid().ToString("N")[..8];
        await using var runtime = new RuntimeFactory(azurite.Server, settings: CrmSource(source));
        using var client = runtime.CreateClient();
        using var recorder = new TelemetryRecorder("Microsoft.AspNetCore");
        var callerTrace = ActivityTraceId.CreateRandom();
        var request = Requests.Hmac(source, Requests.Sample("crm-contact-updated.json"), "application/json");
        request.Headers.Add("traceparent", $"00-{callerTrace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        var response = await client.SendAsync(request);
        await runtime.DrainAsync();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var ingest = Assert.Single(recorder.Activities, a => a.OperationName == Activities.Ingest && (string?)a.GetTagItem(Tags.Source) == source);
        Assert.Equal(callerTrace, ingest.TraceId);
        Assert.Equal("acme-law", ingest.GetTagItem(Tags.Tenant));
        Assert.Equal(1, ingest.GetTagItem(Tags.EventsMapped));

        var process = Assert.Single(recorder.Activities, a => a.OperationName == Activities.ProcessBatch
            && a.Links.Any(l => l.Context.TraceId == ingest.TraceId && l.Context.SpanId == ingest.SpanId));
        var children = recorder.Activities.Where(a => a.ParentSpanId == process.SpanId && a.TraceId == process.TraceId).ToList();
        var write = Assert.Single(children, a => a.OperationName == Activities.WriteRawBlobs);
        var rawBlob = Assert.Single((string[])write.GetTagItem(Tags.RawBlobs)!);
        Assert.StartsWith(runtime.Prefix + "raw/acme-law/", rawBlob, StringComparison.Ordinal);
        var line = Assert.Single(await ReadLinesAsync(rawBlob));
        Assert.True(TraceParent.TryParse(line[TraceParent.AttributeName]!.GetValue<string>(), out var lineContext));
        Assert.Equal((ingest.TraceId, ingest.SpanId), (lineContext.TraceId, lineContext.SpanId));
        var views = Assert.Single(children, a => a.OperationName == Activities.UpdateViews);
        Assert.Equal([runtime.Runtime.Pipeline.Pseudonymizer.JoinKey("acme-law", "customer/C-99812")], (string[])views.GetTagItem(Tags.Customers)!);
        Assert.DoesNotContain("C-99812", string.Join(' ', recorder.Activities.SelectMany(a => a.TagObjects).Select(t => Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture))), StringComparison.Ordinal);

        var accepted = Assert.Single(recorder.Measurements(Instruments.EventsAccepted, (Tags.Source, source)));
        Assert.Equal((1.0, "acme-law"), (accepted.Value, accepted.Tag(Tags.Tenant)));
    }

    [Fact]
    public async Task Start_ConsoleTelemetryOn_RegistersTracerAndMeterProviders()
    {
        await using var runtime = new RuntimeFactory(azurite.Server, settings: new Dictionary<string, string> { ["Telemetry:Console"] = "true" });

        Assert.NotNull(runtime.Services.GetService<TracerProvider>());
        Assert.NotNull(runtime.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task Start_NoTelemetryConfigured_RegistersNoProvider()
    {
        await using var runtime = new RuntimeFactory(azurite.Server);

        Assert.Null(runtime.Services.GetService<TracerProvider>());
        Assert.Null(runtime.Services.GetService<MeterProvider>());
    }

    private async Task<List<JsonObject>> ReadLinesAsync(string containerAndBlob)
    {
        var slash = containerAndBlob.IndexOf('/', StringComparison.Ordinal);
        var blob = new BlobServiceClient(azurite.Server.ConnectionString)
            .GetBlobContainerClient(containerAndBlob[..slash]).GetBlobClient(containerAndBlob[(slash + 1)..]);
        var content = await blob.DownloadContentAsync();
        await using var gzip = new GZipStream(content.Value.Content.ToStream(), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
    }
}
