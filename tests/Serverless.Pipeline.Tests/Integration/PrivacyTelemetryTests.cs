using Serverless.Pipeline.Privacy.Requests;
using Serverless.Pipeline.Tests.Support;
using static Serverless.Pipeline.Telemetry.PipelineTelemetry;

namespace Serverless.Pipeline.Tests.Integration;

/// <summary>
/// Privacy requests' metrics: a count per state entered and the request's age then. No other test of this assembly
/// registers privacy requests, so the measurements seen here are this test's.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PrivacyTelemetryTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Age = TimeSpan.FromDays(2) + TimeSpan.FromSeconds(17);

    private static PrivacyRequest Request(string kind) => new()
    {
        Id = kind + "_" + Guid.NewGuid().ToString("N")[..12],
        Kind = kind,
        Tenant = TestEvents.Tenant,
        Status = RequestStatus.Registered,
        Requester = "person@example.com",
        SubmittedBy = "dpo-alice",
        CreatedAt = TestEvents.Enqueued - Age,
        DueAt = TestEvents.Enqueued.AddDays(28),
    };

    [Fact]
    public async Task Store_RequestThroughItsStates_CountsEachStateEnteredWithItsAge()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        var store = new PrivacyRequestStore(harness.Services.Storage.PrivacyRequests, new FixedTimeProvider(TestEvents.Enqueued));
        var request = Request(RequestKinds.Erasure);
        using var recorder = new TelemetryRecorder();

        await store.CreateAsync(request, CancellationToken.None);
        await store.CreateAsync(request, CancellationToken.None);
        await store.UpdateAsync(request.Kind, request.Id, r => r.Status = RequestStatus.Suppressed, CancellationToken.None);
        await store.UpdateAsync(request.Kind, request.Id, r => r.ApprovedBy = "dpo-bob", CancellationToken.None);
        await store.UpdateAsync(request.Kind, request.Id, r => r.Status = RequestStatus.Completed, CancellationToken.None);

        var entered = recorder.Measurements(Instruments.PrivacyRequests, (Tags.Kind, RequestKinds.Erasure))
            .Select(m => (m.Tag(Tags.State), m.Value)).ToList();
        Assert.Equal([(RequestStatus.Registered, 1.0), (RequestStatus.Suppressed, 1.0), (RequestStatus.Completed, 1.0)], entered);
        var ages = recorder.Measurements(Instruments.PrivacyRequestAge, (Tags.Kind, RequestKinds.Erasure)).Select(m => (m.Tag(Tags.State), m.Value)).ToList();
        Assert.Equal([(RequestStatus.Registered, Age.TotalSeconds), (RequestStatus.Suppressed, Age.TotalSeconds), (RequestStatus.Completed, Age.TotalSeconds)], ages);
    }

    [Fact]
    public async Task Store_ExportRequest_IsCountedUnderItsKind()
    {
        var harness = await StorageHarness.CreateAsync(azurite.Server);
        var store = new PrivacyRequestStore(harness.Services.Storage.PrivacyRequests, new FixedTimeProvider(TestEvents.Enqueued));
        var request = Request(RequestKinds.Export);
        using var recorder = new TelemetryRecorder();

        await store.CreateAsync(request, CancellationToken.None);
        await store.UpdateAsync(request.Kind, request.Id, r => r.Status = RequestStatus.Gathering, CancellationToken.None);

        var states = recorder.Measurements(Instruments.PrivacyRequests, (Tags.Kind, RequestKinds.Export)).Select(m => m.Tag(Tags.State)).ToList();
        Assert.Equal([RequestStatus.Registered, RequestStatus.Gathering], states);
        Assert.Empty(recorder.Measurements(Instruments.PrivacyRequests, (Tags.Kind, RequestKinds.Erasure)));
    }
}
