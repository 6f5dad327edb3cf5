using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Telemetry;
using Serverless.Pipeline.Tests.Support;
using static Serverless.Pipeline.Telemetry.PipelineTelemetry;

namespace Serverless.Pipeline.Tests.Integration;

/// <summary>
/// What a processed batch reports: its metrics add up to its result, and its trace links to the ingestions and names
/// what it wrote. Each test uses a partition of its own, since other tests record into the same instruments at once.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class BatchTelemetryTests(AzuriteFixture azurite)
{
    private static string NewPartition() => "p" + Guid.NewGuid().ToString("N")[..8];

    private static byte[] WithTraceParent(byte[] body, string traceParent)
    {
        var envelope = JsonNode.Parse(body)!.AsObject();
        envelope[TraceParent.AttributeName] = traceParent;
        return Encoding.UTF8.GetBytes(envelope.ToJsonString());
    }

    private static string NewTraceParent() =>
        $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";

    [Fact]
    public async Task ProcessAsync_MixedBatch_MetricsAddUpToTheResult()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        var services = harness.Services;
        await services.Suppressions.AddAsync(TestEvents.Tenant, SubjectKeys.For(services.Pseudonymizer, TestEvents.Tenant, "customer/erased", null, null),
            "er_test", CancellationToken.None);
        var partition = NewPartition();
        var batch = TestEvents.Batch(partition, 0,
            TestEvents.PageViewed("good-1", "customer/1"),
            TestEvents.PageViewed("good-1", "customer/1"),
            Encoding.UTF8.GetBytes("{not json"),
            TestEvents.CloudEvent("bad-type", "com.example.unknown", "customer/2", "{}"),
            TestEvents.CloudEvent("bad-data", "com.example.portal.message_sent", "customer/2", """{"thread_id":""}"""),
            TestEvents.PageViewed("erased-1", "customer/erased"),
            TestEvents.PageViewed("good-2", "customer/2"));
        using var recorder = new TelemetryRecorder();

        var result = await harness.Processor.ProcessAsync(batch, CancellationToken.None);

        (string, string) ours = (Tags.StreamPartition, partition);
        double Sum(string instrument, params (string, string)[] tags) => recorder.Measurements(instrument, [ours, .. tags]).Sum(m => m.Value);
        Assert.Equal((2, 3, 1, 1), (result.Stored, result.Quarantined, result.Duplicates, result.Suppressed));
        Assert.Equal(result.Stored, Sum(Instruments.EventsStored));
        Assert.Equal(result.Duplicates, Sum(Instruments.EventsDuplicates));
        Assert.Equal(result.Suppressed, Sum(Instruments.EventsSuppressed));
        Assert.Equal(result.Quarantined, Sum(Instruments.EventsQuarantined));
        foreach (var (reason, count) in result.QuarantinedByReason)
        {
            Assert.Equal(count, Sum(Instruments.EventsQuarantined, (Tags.Reason, reason.ToString())));
        }

        var accounted = Sum(Instruments.EventsStored) + Sum(Instruments.EventsQuarantined) + Sum(Instruments.EventsDuplicates) + Sum(Instruments.EventsSuppressed);
        Assert.Equal(batch.Count, accounted);
        Assert.Equal(batch.Count, Assert.Single(recorder.Measurements(Instruments.BatchSize, ours)).Value);
        Assert.InRange(Assert.Single(recorder.Measurements(Instruments.BatchDuration, ours)).Value, 0, double.MaxValue);
    }

    [Fact]
    public async Task ProcessAsync_EventsEnqueuedEarlier_RecordsEachStoredEventsLag()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        var partition = NewPartition();
        var batch = TestEvents.Batch(partition, 0,
                TestEvents.PageViewed("lag-1", "customer/1"),
                TestEvents.PageViewed("lag-2", "customer/2"),
                TestEvents.CloudEvent("lag-bad", "com.example.unknown", "customer/2", "{}"))
            .Select((e, i) => e with { EnqueuedTime = TestEvents.Enqueued.AddSeconds(-90 - i) })
            .ToList();
        using var recorder = new TelemetryRecorder();

        await harness.Processor.ProcessAsync(batch, CancellationToken.None);

        // The harness's clock stands at TestEvents.Enqueued: the events waited 90 and 91 seconds; the quarantined one has no lag.
        var lags = recorder.Measurements(Instruments.EventLag, (Tags.StreamPartition, partition)).Select(m => m.Value).Order().ToList();
        Assert.Equal([90.0, 91.0], lags);
    }

    [Fact]
    public async Task ProcessAsync_EventsWithTraceParents_LinksTheBatchToEachIngestion()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        var partition = NewPartition();
        var first = NewTraceParent();
        var second = NewTraceParent();
        var batch = TestEvents.Batch(partition, 0,
            WithTraceParent(TestEvents.PageViewed("t-1", "customer/1"), first),
            WithTraceParent(TestEvents.PageViewed("t-2", "customer/1"), first),
            WithTraceParent(TestEvents.CloudEvent("t-bad", "com.example.unknown", "customer/2", "{}"), second),
            TestEvents.PageViewed("t-3", "customer/2"));
        using var recorder = new TelemetryRecorder();

        var result = await harness.Processor.ProcessAsync(batch, CancellationToken.None);

        var process = Assert.Single(recorder.Activities, a => a.OperationName == Activities.ProcessBatch && (string?)a.GetTagItem(Tags.StreamPartition) == partition);
        Assert.Equal(ActivityKind.Consumer, process.Kind);
        Assert.NotEqual(ActivityStatusCode.Error, process.Status);
        var links = process.Links.Select(l => $"00-{l.Context.TraceId.ToHexString()}-{l.Context.SpanId.ToHexString()}-01").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), links);

        var children = recorder.Activities.Where(a => a.ParentSpanId == process.SpanId).ToList();
        var raw = Assert.Single(children, a => a.OperationName == Activities.WriteRawBlobs);
        Assert.Equal(result.RawBlobs.Select(b => harness.Services.Storage.Raw.Name + "/" + b), (string[])raw.GetTagItem(Tags.RawBlobs)!);
        var quarantine = Assert.Single(children, a => a.OperationName == Activities.WriteQuarantineBlobs);
        Assert.Equal(result.QuarantineBlobs.Select(b => harness.Services.Storage.Quarantine.Name + "/" + b), (string[])quarantine.GetTagItem(Tags.QuarantineBlobs)!);
        var views = Assert.Single(children, a => a.OperationName == Activities.UpdateViews);
        var pseudonymizer = harness.Services.Pseudonymizer;
        Assert.Equal(new[] { pseudonymizer.JoinKey(TestEvents.Tenant, "customer/1"), pseudonymizer.JoinKey(TestEvents.Tenant, "customer/2") }.Order(StringComparer.Ordinal),
            ((string[])views.GetTagItem(Tags.Customers)!).Order(StringComparer.Ordinal));
        Assert.Single(children, a => a.OperationName == Activities.ClaimEventIds);

        var lines = (await harness.RawLinesAsync()).Select(l => JsonNode.Parse(l)!.AsObject()).ToDictionary(l => l["id"]!.GetValue<string>());
        Assert.Equal(first, lines["t-1"][TraceParent.AttributeName]!.GetValue<string>());
        Assert.False(lines["t-3"].ContainsKey(TraceParent.AttributeName));
    }

    [Fact]
    public async Task ProcessAsync_MoreIngestionsThanTheLinkCap_LinksOnlyUpToTheCap()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        var partition = NewPartition();
        var bodies = Enumerable.Range(0, MaxLinks + 5)
            .Select(i => WithTraceParent(TestEvents.PageViewed($"cap-{i}", "customer/1"), NewTraceParent()))
            .ToArray();
        using var recorder = new TelemetryRecorder();

        await harness.Processor.ProcessAsync(TestEvents.Batch(partition, 0, bodies), CancellationToken.None);

        var process = Assert.Single(recorder.Activities, a => a.OperationName == Activities.ProcessBatch && (string?)a.GetTagItem(Tags.StreamPartition) == partition);
        Assert.Equal(MaxLinks, process.Links.Count());
    }

    [Fact]
    public async Task ProcessAsync_RawArchiveWriteFails_MarksTheBatchFailedAndCountsNothing()
    {
        var prefix = StorageHarness.NewPrefix();
        var fault = new FaultInjectionPolicy(m => m.Request.Uri.Path.Contains("/" + prefix + "raw/", StringComparison.Ordinal), times: 1);
        var harness = await StorageHarness.CreateAsync(azurite.Server, prefix, fault);
        var partition = NewPartition();
        using var recorder = new TelemetryRecorder();

        await Assert.ThrowsAnyAsync<Exception>(() =>
            harness.Processor.ProcessAsync(TestEvents.Batch(partition, 0, TestEvents.PageViewed("f-1", "customer/1")), CancellationToken.None));

        var process = Assert.Single(recorder.Activities, a => a.OperationName == Activities.ProcessBatch && (string?)a.GetTagItem(Tags.StreamPartition) == partition);
        Assert.Equal(ActivityStatusCode.Error, process.Status);
        Assert.Empty(recorder.Measurements(Instruments.EventsStored, (Tags.StreamPartition, partition)));
    }
}
