using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Suppression;

namespace Serverless.Pipeline.Privacy.Workflows;

/// <summary>The parts of the pipeline the privacy steps use; the composition root provides them.</summary>
public interface IPrivacyPipeline
{
    PipelineOptions Options { get; }
    Pseudonymizer Pseudonymizer { get; }
    PipelineStorage Storage { get; }
    SuppressionList Suppressions { get; }
}
