using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Serverless.Functions.Privacy;

/// <summary>
/// Deletes the Durable history of every privacy workflow that has ended, once an hour.
/// </summary>
/// <remarks>
/// <para>
/// A workflow's history (in the task hub's tables and blobs, in the app's host storage) holds every activity's input
/// and result: the person's join keys, their customer ids, counts. Durable keeps it forever unless it is purged, and
/// only an ended instance can be purged, so the workflow cannot do it itself. The local runner deletes its history
/// when an instance finishes; this is the Azure counterpart.
/// </para>
/// <para>
/// A timer rather than a purge on reading a request's status: it does not depend on anyone reading it, and one purge
/// by filter catches every instance that ended since the last run, including those whose status was never read.
/// Instances are purged whatever way they ended (completed, failed, terminated); running and waiting ones are left
/// alone. The request itself (status, steps, certificate) is in the <c>privacyrequests</c> table and the audit log,
/// and is not touched. A failed orchestration loses its Durable history too; its exception is in the app's logs, and
/// posting the request again starts it over.
/// </para>
/// <para>
/// Each run is one query of the task hub's instances table and costs nothing while nothing ended. An hourly run wakes
/// the Flex Consumption app 24 times a day for well under a second each.
/// </para>
/// </remarks>
public sealed partial class WorkflowHistoryPurge
{
    /// <summary>At the top of every hour (NCRONTAB, with seconds).</summary>
    public const string Schedule = "0 0 * * * *";

    /// <summary>The statuses that end an instance; only these can be purged.</summary>
    public static readonly IReadOnlyList<OrchestrationRuntimeStatus> EndedStatuses =
        [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

    private readonly TimeProvider _time;
    private readonly ILogger<WorkflowHistoryPurge> _logger;

    public WorkflowHistoryPurge(TimeProvider time, ILogger<WorkflowHistoryPurge> logger)
    {
        _time = time;
        _logger = logger;
    }

    [Function(nameof(WorkflowHistoryPurge))]
    public async Task RunAsync(
        [TimerTrigger(Schedule)] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var result = await client.PurgeAllInstancesAsync(Filter(_time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        if (result.PurgedInstanceCount > 0)
        {
            LogPurged(result.PurgedInstanceCount);
        }
    }

    /// <summary>
    /// Every ended instance created up to <paramref name="now"/>. The filter names a start as well: the task hub
    /// queries by creation time, and the epoch is before any instance of this app.
    /// </summary>
    public static PurgeInstancesFilter Filter(DateTimeOffset now) => new(DateTimeOffset.UnixEpoch, now, EndedStatuses);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Purged the Durable history of {Instances} ended privacy workflows")]
    private partial void LogPurged(int instances);
}
