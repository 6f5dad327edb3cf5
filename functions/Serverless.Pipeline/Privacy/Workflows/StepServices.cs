using Serverless.Pipeline.Privacy.Audit;
using Serverless.Pipeline.Views;

namespace Serverless.Pipeline.Privacy.Workflows;

/// <summary>What the erasure and export steps share: the pipeline, the request's journal, the audit log, the identity index and the clock.</summary>
public sealed record StepServices(IPrivacyPipeline Pipeline, StepJournal Journal, AuditLog Audit, IdentityIndex Identities, TimeProvider Time);
