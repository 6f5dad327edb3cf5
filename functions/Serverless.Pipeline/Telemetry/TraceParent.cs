using System.Diagnostics;

namespace Serverless.Pipeline.Telemetry;

/// <summary>W3C trace context as the CloudEvents distributed-tracing extension carries it (the <c>traceparent</c> attribute).</summary>
public static class TraceParent
{
    /// <summary>The CloudEvents extension attribute's name.</summary>
    public const string AttributeName = "traceparent";

    /// <summary>The current activity as a <c>traceparent</c> value; null when there is none or it is not W3C.</summary>
    public static string? OfCurrentActivity() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>Reads a <c>traceparent</c> value; false for null or anything malformed.</summary>
    public static bool TryParse(string? traceParent, out ActivityContext context)
    {
        context = default;
        return traceParent is not null && ActivityContext.TryParse(traceParent, traceState: null, isRemote: true, out context);
    }
}
