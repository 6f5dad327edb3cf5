using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Preparation;
using Serverless.Pipeline.Privacy.Workflows;
using Serverless.Pipeline.Processing;
using Serverless.Pipeline.Recovery;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Suppression;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Composition;

/// <summary>The composition root: the pipeline's parts, built once per host from options and storage clients.</summary>
public sealed class PipelineServices : IPrivacyPipeline, IRecoveryPipeline
{
    private PipelineServices(PipelineOptions options, SchemaRegistry schemas, Pseudonymizer pseudonymizer, PipelineStorage storage,
        EventPreparer preparer, BatchProcessor processor, SuppressionList suppressions)
    {
        Suppressions = suppressions;
        Options = options;
        Schemas = schemas;
        Pseudonymizer = pseudonymizer;
        Storage = storage;
        Preparer = preparer;
        Processor = processor;
    }

    public PipelineOptions Options { get; }
    public SchemaRegistry Schemas { get; }
    public Pseudonymizer Pseudonymizer { get; }
    public PipelineStorage Storage { get; }
    public EventPreparer Preparer { get; }
    public BatchProcessor Processor { get; }
    public SuppressionList Suppressions { get; }

    public static async Task<PipelineServices> CreateAsync(PipelineOptions options, BlobServiceClient blobs, TableServiceClient tables,
        TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        var schemas = await SchemaRegistry.LoadAsync(options.SchemaDirectory, cancellationToken).ConfigureAwait(false);
        var pseudonymizer = new Pseudonymizer(DecodeKey(options.PseudonymizationKey), options.PseudonymizationKeyId);
        var storage = new PipelineStorage(blobs, tables, new StorageNames(options.StoragePrefix));
        var enricher = Enrichment.EventEnricher.Create(options, pseudonymizer, loggers.CreateLogger<Enrichment.EventEnricher>());
        var preparer = new EventPreparer(schemas, pseudonymizer, options, enricher);
        var suppressions = new SuppressionList(storage.Suppressions, time, options.SuppressionCacheLifetime);
        var processor = new BatchProcessor(preparer, storage, pseudonymizer, suppressions, options, time, loggers.CreateLogger<BatchProcessor>());
        return new PipelineServices(options, schemas, pseudonymizer, storage, preparer, processor, suppressions);
    }

    private const string KeySetting = PipelineOptions.SectionName + ":" + nameof(PipelineOptions.PseudonymizationKey);

    private static byte[] DecodeKey(string base64)
    {
        if (string.IsNullOrWhiteSpace(base64))
        {
            throw new MisconfigurationException([KeySetting], $"Configure {KeySetting} (base64 of at least 32 random bytes).");
        }

        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new MisconfigurationException([KeySetting], $"{KeySetting} is not valid base64.") { IsMissing = false };
        }
    }
}
