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
        HttpRequestException or TimeoutException or IOException => true,
        _ => false,
    };
}
