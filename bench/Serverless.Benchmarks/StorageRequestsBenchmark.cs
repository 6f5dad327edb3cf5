using System.Globalization;
using System.Text;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.DevKit.Azurite;
using Serverless.Pipeline.Composition;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Processing;

namespace Serverless.Benchmarks;

/// <summary>
/// Storage requests per event, counted in the Azure SDK pipeline while the real <see cref="BatchProcessor"/> stores
/// batches of one stream partition against Azurite: page views with one customer per event (customers this instance
/// has written before, and the same on a fresh instance), and new leads (first events of new customers, each with an
/// email and a phone).
/// </summary>
internal static class StorageRequestsBenchmark
{
    private const string Tenant = "acme-law";
    private const string StoragePrefix = "requests";

    public static async Task<StorageRequestsResult> RunAsync(int batches, int batchSize)
    {
        await using var azurite = await AzuriteServer.StartAsync();
        var counter = new StorageRequestCounter(StoragePrefix);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Storage requests per event: {batches} batches of {batchSize} events of one stream partition through BatchProcessor, Azurite, counted in the SDK pipeline"));

        var customers = batches * batchSize / 2;
        var instance = await CreateAsync(azurite, counter);
        var sequence = 0L;
        await StoreAsync(instance, Enumerable.Range(0, customers).Select(c => PageView("seed", c)), batchSize, () => sequence++);
        counter.Reset();
        var pageViews = Enumerable.Range(0, batches * batchSize).Select(i => PageView("view", i % customers));
        var warm = await MeasureAsync("page views, one customer per event, customers this instance wrote", counter,
            () => StoreAsync(instance, pageViews, batchSize, () => sequence++));

        var freshInstance = await CreateAsync(azurite, counter);
        var cold = await MeasureAsync("page views, one customer per event, a fresh instance (nothing cached)", counter,
            () => StoreAsync(freshInstance, Enumerable.Range(0, batchSize).Select(c => PageView("cold", c)), batchSize, () => sequence++));

        var leads = SyntheticEvents.Create(batches * batchSize);
        var newLeads = await MeasureAsync("new leads, first events of new customers with email and phone", counter,
            () => StoreAsync(instance, leads, batchSize, () => sequence++));
        return new StorageRequestsResult(warm, newLeads, cold);
    }

    private static async Task<PipelineServices> CreateAsync(AzuriteServer azurite, StorageRequestCounter counter)
    {
        var blobOptions = new BlobClientOptions();
        blobOptions.AddPolicy(counter.PolicyFor("blob"), HttpPipelinePosition.PerRetry);
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(counter.PolicyFor("table"), HttpPipelinePosition.PerRetry);
        var options = new PipelineOptions { PseudonymizationKey = Convert.ToBase64String(new byte[32]), StoragePrefix = StoragePrefix };
        var services = await PipelineServices.CreateAsync(options, new BlobServiceClient(azurite.ConnectionString, blobOptions),
            new TableServiceClient(azurite.ConnectionString, tableOptions), TimeProvider.System, NullLoggerFactory.Instance, CancellationToken.None);
        await services.Storage.EnsureCreatedAsync(CancellationToken.None);
        return services;
    }

    private static async Task<int> StoreAsync(PipelineServices services, IEnumerable<byte[]> events, int batchSize, Func<long> nextSequence)
    {
        var stored = 0;
        foreach (var batch in events.Chunk(batchSize))
        {
            var incoming = batch.Select(body => new IncomingEvent(body, new StreamPosition("0", nextSequence()), DateTimeOffset.UtcNow)).ToList();
            var result = await services.Processor.ProcessAsync(incoming, CancellationToken.None);
            if (result.Stored != batch.Length)
            {
                throw new InvalidOperationException($"The benchmark batch stored {result.Stored} of {batch.Length} events.");
            }

            stored += result.Stored;
        }

        return stored;
    }

    private static async Task<double> MeasureAsync(string workload, StorageRequestCounter counter, Func<Task<int>> run)
    {
        counter.Reset();
        var events = await run();
        var perEvent = counter.Total / (double)events;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {workload}: {perEvent:F3} requests/event ({counter.Total:N0} for {events:N0} events)"));
        foreach (var (kind, count) in counter.Snapshot())
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {kind,-40} {count / (double)events,8:F3}/event  {count,8:N0}"));
        }

        return perEvent;
    }

    private static byte[] PageView(string run, int customer) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $$$"""{"specversion":"1.0","id":"{{{run}}}-{{{customer}}}-{{{Guid.NewGuid():N}}}","source":"app://client-portal","type":"com.example.portal.page_viewed","subject":"customer/C-{{{customer}}}","time":"2026-11-21T10:00:00Z","tenant":"{{{Tenant}}}","data":{"path":"/cases/{{{customer}}}","session_id":"s-{{{run}}}"}}"""));
}
