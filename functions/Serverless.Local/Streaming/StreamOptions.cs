namespace Serverless.Local.Streaming;

/// <summary>The in-process stream that stands in for Event Hubs (<c>Local:Stream</c>).</summary>
public sealed class StreamOptions
{
    public const string SectionName = "Local:Stream";

    /// <summary>Partitions, each delivered in order by its own consumer.</summary>
    public int Partitions { get; set; } = 8;

    /// <summary>Events accepted but not yet processed, across partitions; past it, ingestion answers 429.</summary>
    public int Capacity { get; set; } = 20_000;

    /// <summary>Bytes of event bodies accepted but not yet processed; past it, ingestion answers 429. Bounds the log on disk.</summary>
    public long MaxLogBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>The most events one batch holds, as Event Hubs' maximum batch size would.</summary>
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>How long to wait for more events before processing a batch that is not yet full.</summary>
    public TimeSpan BatchWait { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Folder of the durable log (accepted events and each partition's checkpoint); relative to the repository root.</summary>
    public string DataDirectory { get; set; } = ".stream";
}
