using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask.Client;
using Serverless.Functions.Privacy;
using Serverless.Functions.Tests.Triggers;
using Serverless.Functions.Triggers;
using static Serverless.Functions.Tests.HttpInvocation;

namespace Serverless.Functions.Tests.Durable;

/// <summary>
/// Calls the app's privacy HTTP functions as compliance officers, with the in-process engine's Durable client as the
/// <c>[DurableClient]</c> binding, and feeds events to the app's <see cref="ProcessEvents"/> function.
/// </summary>
internal sealed class PrivacyEndpoints(FunctionsAppHost app)
{
    public const string Alice = "Officer Alice";
    public const string Bob = "Officer Bob";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private long _sequence;

    public async Task IngestAsync(IReadOnlyList<string> events)
    {
        var first = Interlocked.Add(ref _sequence, events.Count) - events.Count;
        using var timeout = new CancellationTokenSource(Patience);
        await TriggerInvocation.RunAsync(app.Function<ProcessEvents>(), "0", first, events, timeout.Token);
    }

    public async Task<(int Status, JsonNode Body)> CreateAsync(string kind, object body, string officer = Alice)
    {
        var functions = app.Function<PrivacyHttpFunctions>();
        var request = Request(Principal(officer, "compliance"), body);
        return await CallAsync(kind == "erasures"
            ? functions.CreateErasureAsync(request, app.Client, CancellationToken.None)
            : functions.CreateExportAsync(request, app.Client, CancellationToken.None));
    }

    public async Task<string> CreatedIdAsync(string kind, object body)
    {
        var (status, created) = await CreateAsync(kind, body);
        Assert.Equal(202, status);
        return created["id"]!.GetValue<string>();
    }

    public Task<(int Status, JsonNode Body)> GetAsync(string kind, string id)
    {
        var functions = app.Function<PrivacyHttpFunctions>();
        var request = Request(Principal(Alice, "compliance"));
        return CallAsync(kind == "erasures"
            ? functions.GetErasureAsync(request, id, app.Client, CancellationToken.None)
            : functions.GetExportAsync(request, id, app.Client, CancellationToken.None));
    }

    public Task<(int Status, JsonNode Body)> ApproveAsync(string id, string officer) =>
        CallAsync(app.Function<PrivacyHttpFunctions>().ApproveErasureAsync(Request(Principal(officer, "compliance")), id, app.Client, CancellationToken.None));

    public Task<(int Status, JsonNode Body)> CancelAsync(string id, string officer) =>
        CallAsync(app.Function<PrivacyHttpFunctions>().CancelErasureAsync(Request(Principal(officer, "compliance")), id, app.Client, CancellationToken.None));

    public Task<(int Status, JsonNode Body)> VerifyAuditAsync(string tenant) =>
        CallAsync(app.Function<PrivacyHttpFunctions>().VerifyAuditAsync(Request(Principal(Alice, "compliance")), tenant, app.Client, CancellationToken.None));

    /// <summary>Waits on the Durable client until the request's orchestration has ended, then reads the request as the API shows it.</summary>
    public async Task<(OrchestrationMetadata Instance, JsonNode Request)> EndedAsync(string kind, string id)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var instance = await app.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
        var (status, request) = await GetAsync(kind, id);
        Assert.Equal(200, status);
        return (instance, request);
    }

    /// <summary>Polls the API, with a deadline, until the request reaches <paramref name="status"/> while its orchestration waits.</summary>
    public async Task WaitForStatusAsync(string kind, string id, string status)
    {
        if (!await Poll.UntilAsync(async () => (await GetAsync(kind, id)).Body["status"]?.GetValue<string>() == status, Patience, TimeSpan.FromMilliseconds(50)))
        {
            throw new TimeoutException($"The {kind} request {id} never reached {status}.");
        }
    }

    private static async Task<(int Status, JsonNode Body)> CallAsync(Task<IActionResult> invocation)
    {
        var (status, _, body) = await RunAsync(invocation);
        using (body)
        {
            return (status, JsonNode.Parse(body.RootElement.GetRawText())!);
        }
    }
}
