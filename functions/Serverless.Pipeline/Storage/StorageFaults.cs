using Azure;

namespace Serverless.Pipeline.Storage;

/// <summary>Tells a failure to reach storage (which a caller may retry) from a fault in the request or the code.</summary>
public static class StorageFaults
{
    /// <summary>
    /// True for storage errors and transport failures, including the AggregateException the Azure SDK throws when its
    /// own retries are exhausted.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsUnavailable),
        RequestFailedException failed => failed.Status is 0 or 408 or 429 or >= 500,
        // A schema's pattern that ran out of time: the same input will time out again, so it is no outage.
        System.Text.RegularExpressions.RegexMatchTimeoutException => false,
        HttpRequestException or TimeoutException or IOException => true,
        _ => false,
    };

    /// <summary>
    /// True for a failure that will recur however often the same write is tried: storage refusing the request itself
    /// (400, 413) or an exception from the code for this input. Unavailability, conflicts, missing tables and denied
    /// access are not permanent: they are the deployment's to fix, and events wait for it rather than go to quarantine.
    /// </summary>
    public static bool IsPermanent(Exception exception) => exception switch
    {
        OperationCanceledException or OutOfMemoryException => false,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsPermanent),
        RequestFailedException failed => failed.Status is 400 or 413,
        _ => !IsUnavailable(exception),
    };
}
