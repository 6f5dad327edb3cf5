using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.DevKit.Azurite;
using Serverless.Local.Workflows;
using Serverless.Pipeline.Composition;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Privacy.Api;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Views;

namespace Serverless.Benchmarks;

/// <summary>
/// Erasure time for one person as the raw archive grows. Each archive is written straight to Azurite as 1,000-event
/// blobs with the person's events in a fixed number of them; the erasure then runs through the real workflow and
/// runner, and a policy counts the raw blobs it downloads: only the blobs that hold the person, whatever the size.
/// Suppression runs as in the local runtime (default cache lifetime and margin, every processor in this process), so
/// the time includes the wait for batches in flight and not the cache's.
/// </summary>
internal static class ErasureBenchmark
{
    private const int EventsPerBlob = 1000;
    private const string Target = "customer/C-TARGET";

    public static async Task RunAsync(IReadOnlyList<int> sizes, int subjectBlobs)
    {
        await using var azurite = await AzuriteServer.StartAsync();
        Console.WriteLine($"Erasure of one person, whose events sit in {subjectBlobs} blobs, as the archive grows ({EventsPerBlob:N0} events per blob)");
        Console.WriteLine("  archive events   archive blobs   blobs holding person   raw blob downloads   lines removed   erasure time");
        foreach (var size in sizes)
        {
            var prefix = "eb" + size.ToString(CultureInfo.InvariantCulture);
            var reads = new CountingPolicy(prefix + "raw/");
            var options = new PipelineOptions
            {
                PseudonymizationKey = Convert.ToBase64String(new byte[32]),
                StoragePrefix = prefix,
                AllProcessorsInProcess = true,
            };
            var blobOptions = new BlobClientOptions();
            blobOptions.AddPolicy(reads, HttpPipelinePosition.PerCall);
            var pipeline = await PipelineServices.CreateAsync(options, new BlobServiceClient(azurite.ConnectionString, blobOptions),
                new TableServiceClient(azurite.ConnectionString), TimeProvider.System, NullLoggerFactory.Instance, CancellationToken.None);
            await pipeline.Storage.EnsureCreatedAsync(CancellationToken.None);
            var holding = await WriteArchiveAsync(pipeline.Storage, size, subjectBlobs);
            var archiveBlobs = 0;
            await foreach (var _ in pipeline.Storage.Raw.GetBlobsAsync())
            {
                archiveBlobs++;
            }

            await using var privacy = await LocalPrivacy.StartAsync(pipeline, TimeProvider.System, NullLoggerFactory.Instance, CancellationToken.None);
            var (activities, runner, api) = (privacy.Activities, privacy.Runner, privacy.Api);

            reads.Reset();
            var clock = Stopwatch.StartNew();
            var created = await api.CreateAsync("erasure", new Caller("bench", new HashSet<string> { Caller.ComplianceRole }), "application/json",
                JsonSerializer.SerializeToUtf8Bytes(new { tenant = "acme-law", subject = Target, reason = "benchmark", requester = "benchmark" }), null, "/", CancellationToken.None);
            var id = ((JsonObject)created.Body)["id"]!.GetValue<string>();
            var status = await CompletionAsync(runner, id, TimeSpan.FromMinutes(10));
            clock.Stop();
            var request = await activities.Requests.GetAsync("erasure", id, CancellationToken.None);
            var removed = request!.Steps.Where(s => s.Name == "purge-raw").Sum(s => s.Counts["linesRemoved"]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {size,14:N0}   {archiveBlobs,13:N0}   {holding,20:N0}   {reads.Count,18:N0}   {removed,13:N0}   {clock.Elapsed.TotalMilliseconds,9:N0} ms  ({status})"));
        }

        Console.WriteLine("  Downloads are the purge's read of each blob holding the person, then verification's read of it again.");
    }

    // The archive, written directly: the person's events spread over `subjectBlobs` blobs, others' everywhere; the
    // subject index names the person's blobs, as processing would have written it.
    private static async Task<int> WriteArchiveAsync(PipelineStorage storage, int size, int subjectBlobs)
    {
        var blobs = size / EventsPerBlob;
        var every = Math.Max(1, blobs / subjectBlobs);
        var holding = Enumerable.Range(0, blobs).Where(b => b % every == 0).Take(subjectBlobs).ToHashSet();
        var partition = TableKeys.Customer("acme-law", Target);
        await Parallel.ForEachAsync(Enumerable.Range(0, blobs), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (b, ct) =>
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"acme-law/2026/11/21/10/p0-{b * EventsPerBlob:D19}-{(b + 1) * EventsPerBlob - 1:D19}.jsonl.gz");
            var lines = Enumerable.Range(0, EventsPerBlob).Select(i => Line(b, i, holding.Contains(b) && i % 100 == 0 ? Target : $"customer/C-{(b * 7919 + i) % 50_000}")).ToList();
            await GzipJsonLines.WriteOnceAsync(storage.Raw, name, lines, (writer, line) => writer.WriteRawValue(line, skipInputValidation: true), ct);
            if (holding.Contains(b))
            {
                await storage.Customers.UpsertEntityAsync(SubjectIndex.ToEntity(partition, new BlobRef(storage.Names.RawContainer, name, EventsPerBlob / 100)), cancellationToken: ct);
            }
        });
        return holding.Count;
    }

    private static string Line(int blob, int index, string subject) =>
        $$$"""{"specversion":"1.0","id":"e-{{{blob}}}-{{{index}}}","source":"app://client-portal","type":"com.example.portal.page_viewed","subject":"{{{subject}}}","time":"2026-11-21T10:00:00Z","tenant":"acme-law","schemaversion":"1-0-0","streampartition":"0","streamsequence":{{{blob * EventsPerBlob + index}}},"datacontenttype":"application/json","data":{"path":"/cases/{{{index}}}","session_id":"s-{{{blob}}}"}}""";

    private sealed class CountingPolicy(string pathPart) : HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Reset() => Interlocked.Exchange(ref _count, 0);

        public override void OnSendingRequest(HttpMessage message)
        {
            if (message.Request.Method == RequestMethod.Get && message.Request.Uri.Path.Contains(pathPart, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _count);
            }
        }
    }

    // Polls the runner's recorded status: the benchmark times the whole erasure, so a 50 ms check is fine grained enough.
    private static async Task<string> CompletionAsync(Serverless.Local.Workflows.CheckpointedWorkflowRunner runner, string id, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (await runner.StatusAsync(id, CancellationToken.None) is { } status && status != "Running")
            {
                return status;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        throw new TimeoutException($"Erasure {id} did not finish within {timeout}.");
    }
}
