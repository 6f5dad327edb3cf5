namespace Serverless.Local.Telemetry;

/// <summary>
/// Where the local runtime sends the pipeline's traces and metrics (<c>Telemetry</c>). With neither set, nothing
/// listens and the pipeline's instruments cost next to nothing.
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>Print every span and, once a minute, every metric to the console. Off by default: it floods the demo's output.</summary>
    public bool Console { get; set; }

    /// <summary>An OTLP endpoint (for example a local dashboard's, <c>http://127.0.0.1:4317</c>) to export to.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>The <c>service.name</c> the telemetry carries.</summary>
    public string ServiceName { get; set; } = "serverless-local";

    public bool AnyExporter => Console || OtlpEndpoint is not null;
}
