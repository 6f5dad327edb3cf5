using System.IO.Compression;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serverless.DevKit.Azurite;
using Serverless.DevKit.Webhooks;
using Serverless.Local.Hosting;
using Serverless.Local.Streaming;

namespace Serverless.Local.Tests;

/// <summary>The local runtime started in-process on a real Azurite, with its own storage prefix and a test clock.</summary>
internal sealed class RuntimeFactory : WebApplicationFactory<Program>
{
    private readonly AzuriteServer _azurite;
    private readonly Dictionary<string, string> _settings;

    public RuntimeFactory(AzuriteServer azurite, DateTimeOffset? pinnedNow = null, IDictionary<string, string>? settings = null, string? prefix = null)
    {
        _azurite = azurite;
        Clock = new ManualClock(pinnedNow);
        Prefix = prefix ?? "e" + Guid.NewGuid().ToString("N")[..10];
        _settings = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Pipeline:StoragePrefix"] = Prefix,
            ["Local:Stream:DataDirectory"] = DataDirectory,
            ["Pipeline:Sources:intake-hmac:Tenant"] = "acme-law",
            ["Pipeline:Sources:intake-hmac:Format"] = "Json",
            ["Pipeline:Sources:intake-hmac:Signature"] = "HmacSha256",
            ["Pipeline:Sources:intake-hmac:SignatureHeader"] = "X-Hub-Signature-256",
            ["Pipeline:Sources:intake-hmac:Secrets:0"] = SampleSecrets.Hmac,
            ["Pipeline:Sources:intake-hmac:Mapping:IdPath"] = "lead_id",
            ["Pipeline:Sources:intake-hmac:Mapping:TypePath"] = "event",
            ["Pipeline:Sources:intake-hmac:Mapping:TypePrefix"] = "intake.",
            ["Pipeline:Sources:intake-hmac:Mapping:TimePath"] = "created_at",
            ["Pipeline:Sources:intake-hmac:Mapping:SubjectPath"] = "lead_id",
            ["Pipeline:Sources:intake-hmac:Mapping:SubjectPrefix"] = "lead/",
        };
    }

    public ManualClock Clock { get; }

    /// <summary>The stream's durable log: a folder of this runtime's own, removed with it.</summary>
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("stream-log").FullName;
    public string Prefix { get; }

    public LocalRuntime Runtime => Services.GetRequiredService<LocalRuntime>();

    public Task DrainAsync() => Runtime.Stream.WaitUntilDrainedAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

    public TableClient Table(string name) => new TableServiceClient(_azurite.ConnectionString).GetTableClient(Prefix + name);

    public async Task<List<string>> BlobLinesAsync(string container)
    {
        var client = new BlobServiceClient(_azurite.ConnectionString).GetBlobContainerClient(Prefix + container);
        var lines = new List<string>();
        await foreach (var blob in client.GetBlobsAsync())
        {
            var content = await client.GetBlobClient(blob.Name).DownloadContentAsync();
            await using var gzip = new GZipStream(content.Value.Content.ToStream(), CompressionMode.Decompress);
            using var reader = new StreamReader(gzip);
            lines.AddRange((await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }

        return lines;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    public StreamStatistics Statistics => Runtime.Stream.Statistics;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
