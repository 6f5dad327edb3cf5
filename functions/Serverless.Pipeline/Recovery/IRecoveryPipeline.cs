using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Preparation;
using Serverless.Pipeline.Processing;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Recovery;

/// <summary>The parts of the pipeline replay and rebuild use; the composition root provides them.</summary>
public interface IRecoveryPipeline
{
    PipelineOptions Options { get; }
    SchemaRegistry Schemas { get; }
    Pseudonymizer Pseudonymizer { get; }
    PipelineStorage Storage { get; }
    EventPreparer Preparer { get; }
    BatchProcessor Processor { get; }
}
