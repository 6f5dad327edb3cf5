using Serverless.Pipeline.Privacy.Audit;
using Serverless.Pipeline.Privacy.Requests;

namespace Serverless.Pipeline.Privacy.Workflows;

/// <summary>
/// The steps of the privacy workflows for one pipeline: the erasure's (<see cref="ErasureSteps"/>), the export's
/// (<see cref="ExportSteps"/>) and the request journal they share. <see cref="WorkflowActivities"/> says which
/// activity runs which step; both hosts dispatch through it.
/// </summary>
public sealed class PrivacyActivities
{
    public PrivacyActivities(IPrivacyPipeline pipeline, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        Requests = new PrivacyRequestStore(pipeline.Storage.PrivacyRequests, time);
        Audit = new AuditLog(pipeline.Storage.Audit, pipeline.Storage.AuditHead, time);
        Journal = new StepJournal(Requests, time);
        var services = new StepServices(pipeline, Journal, Audit, new Views.IdentityIndex(pipeline.Storage.Identities, pipeline.Pseudonymizer), time);
        Erasure = new ErasureSteps(services);
        Export = new ExportSteps(services);
        Ending = new RequestEnding(services);
    }

    public PrivacyRequestStore Requests { get; }
    public AuditLog Audit { get; }
    public StepJournal Journal { get; }
    public ErasureSteps Erasure { get; }
    public ExportSteps Export { get; }
    public RequestEnding Ending { get; }
}
