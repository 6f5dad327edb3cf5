using System.Text.Json;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.CrashTarget;
using Serverless.Pipeline.Composition;

// Usage: Serverless.CrashTarget <connection string> <job file>. The job names the batch, the pipeline options, the clock,
// and which storage requests to hold back (a text their URL or body contains) so the parent can kill this process there.
if (args.Length != 2)
{
    await Console.Error.WriteLineAsync("usage: Serverless.CrashTarget <connection string> <job file>");
    return 2;
}

var job = JsonSerializer.Deserialize<CrashJob>(await File.ReadAllTextAsync(args[1]), CrashJob.Json)
    ?? throw new InvalidOperationException("The job file is empty.");
var hold = new HoldBackPolicy(job.HoldRequestsMentioning);
var blobOptions = new BlobClientOptions();
var tableOptions = new TableClientOptions();
blobOptions.AddPolicy(hold, HttpPipelinePosition.PerCall);
tableOptions.AddPolicy(hold, HttpPipelinePosition.PerCall);
var services = await PipelineServices.CreateAsync(job.Options, new BlobServiceClient(args[0], blobOptions), new TableServiceClient(args[0], tableOptions),
    new StoppedClock(job.Now), NullLoggerFactory.Instance, CancellationToken.None);
await services.Storage.EnsureCreatedAsync(CancellationToken.None);
var result = await services.Processor.ProcessAsync(job.ToBatch(), CancellationToken.None);
Console.WriteLine($"processed {result.Received}");
return 0;
