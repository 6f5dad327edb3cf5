using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.DevKit.Azurite;
using Serverless.DevKit.Discovery;
using Serverless.Pipeline.Composition;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Processing;

namespace Serverless.Cli.Tests;

/// <summary>A pipeline's storage on the shared Azurite under a prefix of its own, and the CLI run in-process against it.</summary>
internal sealed class CliHarness
{
    public const string Tenant = "acme-law";
    public const string KeyBase64 = "dGVzdC1vbmx5LXBzZXVkb255bWl6YXRpb24ta2V5LTMyYnl0ZXMhIQ==";

    private CliHarness(AzuriteServer azurite, PipelineServices services, string prefix)
    {
        Azurite = azurite;
        Services = services;
        Prefix = prefix;
    }

    public AzuriteServer Azurite { get; }
    public PipelineServices Services { get; }
    public string Prefix { get; }

    /// <summary>What the CLI gets from the environment: the storage and the pseudonymization key.</summary>
    public Dictionary<string, string> Variables => new(StringComparer.Ordinal)
    {
        ["AzureWebJobsStorage"] = Azurite.ConnectionString,
        ["Pipeline__PseudonymizationKey"] = KeyBase64,
        ["Pipeline__StoragePrefix"] = Prefix,
    };

    public static async Task<CliHarness> CreateAsync(AzuriteServer azurite)
    {
        var prefix = "c" + Guid.NewGuid().ToString("N")[..10];
        var options = new PipelineOptions { PseudonymizationKey = KeyBase64, StoragePrefix = prefix };
        var services = await PipelineServices.CreateAsync(options, new BlobServiceClient(azurite.ConnectionString), new TableServiceClient(azurite.ConnectionString),
            TimeProvider.System, NullLoggerFactory.Instance, CancellationToken.None);
        await services.Storage.EnsureCreatedAsync(CancellationToken.None);
        return new CliHarness(azurite, services, prefix);
    }

    public static byte[] Event(string id, string type, string subject, string data, string time = "2026-11-21T10:00:00Z") =>
        Encoding.UTF8.GetBytes($$"""{"specversion":"1.0","id":"{{id}}","source":"test://cli","type":"{{type}}","subject":"{{subject}}","time":"{{time}}","tenant":"{{Tenant}}","datacontenttype":"application/json","data":{{data}}}""");

    public static byte[] PageViewed(string id, string subject) => Event(id, "com.example.portal.page_viewed", subject, """{"path":"/cases/1","session_id":"s-1"}""");

    public Task<BatchResult> ProcessAsync(DateTimeOffset enqueued, params byte[][] bodies) =>
        Services.Processor.ProcessAsync(bodies.Select((body, i) => new IncomingEvent(body, new StreamPosition("0", i), enqueued)).ToList(), CancellationToken.None);

    public static Task<CliResult> RunAsync(IReadOnlyDictionary<string, string> variables, params string[] args) => CliResult.RunAsync(variables, args);

    public static Task<CliResult> RunAsync(IReadOnlyDictionary<string, string> variables, LocalRuntimeState localRuntime, params string[] args) =>
        CliResult.RunAsync(variables, localRuntime, args);
}

/// <summary>One in-process run of the command tree: its exit code and what it wrote.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public static Task<CliResult> RunAsync(IReadOnlyDictionary<string, string> variables, params string[] args) =>
        RunAsync(variables, localRuntime: null, args);

    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string> variables, LocalRuntimeState? localRuntime, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new CliEnvironment(output, error, variables, TimeProvider.System) { LocalRuntime = localRuntime };
        var exit = await CliApplication.RunAsync(args, environment, CancellationToken.None);
        return new CliResult(exit, output.ToString(), error.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
}
