using System.IO.Compression;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Pipeline.Composition;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Processing;
using Serverless.DevKit.Azurite;

namespace Serverless.Pipeline.Tests.Support;

/// <summary>A pipeline over a real Azurite, isolated by a storage prefix of its own, with a way to read back all it wrote.</summary>
internal sealed class StorageHarness
{
    private StorageHarness(PipelineServices services, string prefix)
    {
        Services = services;
        Prefix = prefix;
    }

    public PipelineServices Services { get; }
    public string Prefix { get; }
    public BatchProcessor Processor => Services.Processor;

    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..10];

    public static async Task<StorageHarness> CreateAsync(AzuriteServer azurite, string? prefix = null, HttpPipelinePolicy? fault = null,
        Action<PipelineOptions>? configure = null)
    {
        prefix ??= NewPrefix();
        var options = TestPipeline.Options(prefix);
        configure?.Invoke(options);
        var blobOptions = new BlobClientOptions();
        var tableOptions = new TableClientOptions();
        if (fault is not null)
        {
            blobOptions.AddPolicy(fault, HttpPipelinePosition.PerCall);
            tableOptions.AddPolicy(fault, HttpPipelinePosition.PerCall);
        }

        var services = await PipelineServices.CreateAsync(options,
            new BlobServiceClient(azurite.ConnectionString, blobOptions), new TableServiceClient(azurite.ConnectionString, tableOptions),
            new FixedTimeProvider(TestEvents.Enqueued), NullLoggerFactory.Instance, CancellationToken.None);
        await services.Storage.EnsureCreatedAsync(CancellationToken.None);
        return new StorageHarness(services, prefix);
    }

    public async Task<List<string>> RawLinesAsync() => await LinesAsync(Services.Storage.Raw);

    public async Task<List<string>> QuarantineLinesAsync() => await LinesAsync(Services.Storage.Quarantine);

    public async Task<List<TableEntity>> EntitiesAsync(TableClient table)
    {
        var entities = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync<TableEntity>())
        {
            entities.Add(entity);
        }

        return entities;
    }

    /// <summary>Everything the pipeline wrote, as text with this harness's prefix removed, to compare two runs.</summary>
    public async Task<string> SnapshotAsync()
    {
        var text = new StringBuilder();
        foreach (var container in new[] { Services.Storage.Raw, Services.Storage.Quarantine })
        {
            await foreach (var blob in container.GetBlobsAsync())
            {
                text.Append("blob ").Append(container.Name).Append('/').AppendLine(blob.Name);
                text.AppendLine(await ReadGzipAsync(container.GetBlobClient(blob.Name)));
            }
        }

        foreach (var table in new[] { Services.Storage.Customers, Services.Storage.Counters, Services.Storage.EventIds })
        {
            foreach (var entity in (await EntitiesAsync(table)).OrderBy(e => e.PartitionKey, StringComparer.Ordinal).ThenBy(e => e.RowKey, StringComparer.Ordinal))
            {
                text.Append("entity ").Append(table.Name).Append(' ').Append(entity.PartitionKey).Append(' ').AppendLine(entity.RowKey);
                foreach (var (key, value) in entity.Where(p => p.Key is not ("Timestamp" or "odata.etag" or "PartitionKey" or "RowKey")).OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    text.Append("  ").Append(key).Append('=').AppendLine(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }

        return text.ToString().Replace(Prefix, "{prefix}", StringComparison.Ordinal);
    }

    private static async Task<List<string>> LinesAsync(BlobContainerClient container)
    {
        var lines = new List<string>();
        await foreach (var blob in container.GetBlobsAsync())
        {
            lines.AddRange((await ReadGzipAsync(container.GetBlobClient(blob.Name))).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }

        return lines;
    }

    public static async Task<string> ReadGzipAsync(BlobClient blob)
    {
        var download = await blob.DownloadContentAsync();
        await using var gzip = new GZipStream(download.Value.Content.ToStream(), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return await reader.ReadToEndAsync();
    }
}
