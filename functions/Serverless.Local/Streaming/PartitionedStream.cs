using System.Threading.Channels;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Ingestion;
using Serverless.Pipeline.Processing;
using Serverless.Pipeline.Resilience;

namespace Serverless.Local.Streaming;

/// <summary>
/// Stands in for Event Hubs on one machine: events are hashed by partition key to a partition, numbered in order, made
/// durable in the <see cref="DurableLog"/> (one write per request) and only then accepted and delivered, in batches, to
/// the processing stage by one consumer per partition, which checkpoints each batch it finishes. On start, what the log
/// holds after each checkpoint is delivered again, with its original sequence numbers, before anything new. It is
/// bounded: a request that does not fit is refused whole (429). A batch that fails is delivered again. On stop it
/// refuses new events and drains what it accepted; what it cannot drain stays in the log for the next start.
/// </summary>
public sealed partial class PartitionedStream : IEventStream, IAsyncDisposable
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);
    private readonly Channel<IncomingEvent>[] _partitions;
    private readonly string[] _partitionIds;
    private readonly long[] _nextSequence;
    private readonly long[] _inFlightSinceTicks;
    private readonly Lock _appendLock = new();
    private readonly Lock _reserveLock = new();
    private readonly DurableLog _log;
    private readonly Func<IReadOnlyList<IncomingEvent>, CancellationToken, Task<BatchResult>> _process;
    private readonly StreamOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PartitionedStream> _logger;
    private readonly CancellationTokenSource _abort = new();
    private readonly List<Task> _consumers = [];
    private int _pending;
    private long _pendingBytes;
    private int _disposed;
    private volatile bool _closed;

    /// <param name="log">The log under the stream, opened on its data directory; the stream owns it from here.</param>
    public PartitionedStream(StreamOptions options, DurableLog log, Func<IReadOnlyList<IncomingEvent>, CancellationToken, Task<BatchResult>> process,
        TimeProvider time, ILogger<PartitionedStream> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        _options = options;
        _log = log;
        _process = process;
        _time = time;
        _logger = logger;
        _partitions = Enumerable.Range(0, options.Partitions)
            .Select(_ => Channel.CreateUnbounded<IncomingEvent>())
            .ToArray();
        _partitionIds = Enumerable.Range(0, options.Partitions).Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        _inFlightSinceTicks = new long[options.Partitions];

        // Sequence numbers must keep growing across restarts, because views count by per-partition watermarks:
        // start from the clock (microseconds since the epoch), or past what the log has seen, and never go back.
        var clock = MicrosecondsNow();
        _nextSequence = Enumerable.Range(0, options.Partitions).Select(p => Math.Max(clock, log.LastSequence(p) + 1)).ToArray();
    }

    public StreamStatistics Statistics { get; } = new();

    public int Pending => Volatile.Read(ref _pending);

    public long PendingBytes => Interlocked.Read(ref _pendingBytes);

    public DurableLog Log => _log;

    /// <summary>How long the oldest event not yet processed has waited, or null when none waits.</summary>
    public TimeSpan? OldestUnprocessedAge
    {
        get
        {
            var oldest = long.MaxValue;
            for (var p = 0; p < _partitions.Length; p++)
            {
                var inFlight = Volatile.Read(ref _inFlightSinceTicks[p]);
                if (inFlight != 0)
                {
                    oldest = Math.Min(oldest, inFlight);
                }
                else if (_partitions[p].Reader.TryPeek(out var head))
                {
                    oldest = Math.Min(oldest, head.EnqueuedTime.UtcTicks);
                }
            }

            return oldest == long.MaxValue ? null : _time.GetUtcNow() - new DateTimeOffset(oldest, TimeSpan.Zero);
        }
    }

    /// <summary>What the health endpoint shows of the log.</summary>
    public StreamLogHealth LogHealth() => new(
        _log.Directory,
        _log.SizeBytes,
        Pending,
        PendingBytes,
        OldestUnprocessedAge?.TotalMilliseconds,
        _log.CommitLatency.Percentile(0.5),
        _log.CommitLatency.Percentile(0.99),
        _log.Commits,
        _log.Appends,
        _log.Checkpoints);

    /// <summary>Delivers what the log kept from before, then starts taking new events and the consumers.</summary>
    public void Start()
    {
        var recovered = _log.TakeRecovered();
        _pending = recovered.Count;
        _pendingBytes = recovered.Sum(e => (long)e.Body.Length);
        Deliver(recovered);
        Statistics.AddRecovered(recovered.Count);
        _log.StartWriting(Deliver);

        for (var p = 0; p < _partitions.Length; p++)
        {
            var partition = p;
            _consumers.Add(Task.Run(() => ConsumeAsync(partition)));
        }
    }

    /// <summary>Takes the request's events once they are durable; the cancellation token cannot withdraw them once they are written.</summary>
    public async ValueTask<EnqueueResult> TryEnqueueAsync(IReadOnlyList<MappedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var bytes = events.Sum(e => (long)e.Body.Length);
        if (_closed || !TryReserve(events.Count, bytes))
        {
            return EnqueueResult.Full(RetryAfter);
        }

        Task durable;
        lock (_appendLock)
        {
            // Numbering and submitting under one lock keeps each partition's log order that of its sequence numbers.
            if (_closed)
            {
                Release(events.Count, bytes);
                return EnqueueResult.Full(RetryAfter);
            }

            var enqueued = _time.GetUtcNow();
            var clock = MicrosecondsNow();
            var entries = new LogEntry[events.Count];
            for (var i = 0; i < events.Count; i++)
            {
                var partition = PartitionOf(events[i].PartitionKey);
                var sequence = Math.Max(_nextSequence[partition], clock);
                _nextSequence[partition] = sequence + 1;
                entries[i] = new LogEntry(partition, sequence, enqueued, events[i].Body);
            }

            durable = _log.AppendAsync(entries);
        }

        try
        {
            await durable.ConfigureAwait(false);
        }
        catch
        {
            Release(events.Count, bytes);
            throw;
        }

        Statistics.AddAccepted(events.Count);
        return EnqueueResult.Taken;
    }

    /// <summary>Waits until every accepted event has been processed.</summary>
    public async Task WaitUntilDrainedAsync(CancellationToken cancellationToken)
    {
        while (Pending > 0)
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Refuses new events and processes what was accepted; gives up on a batch that keeps failing when <paramref name="cancellationToken"/> fires.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_appendLock)
        {
            _closed = true;
        }

        // Appends submitted before closing reach their partitions before those are completed.
        await _log.FlushAsync().ConfigureAwait(false);
        foreach (var partition in _partitions)
        {
            partition.Writer.TryComplete();
        }

        using var registration = cancellationToken.Register(_abort.Cancel);
        await Task.WhenAll(_consumers).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _abort.Cancel();
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _log.DisposeAsync().ConfigureAwait(false);
        _abort.Dispose();
    }

    private long MicrosecondsNow() => _time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;

    private bool TryReserve(int count, long bytes)
    {
        lock (_reserveLock)
        {
            if (_pending + count > _options.Capacity || _pendingBytes + bytes > _options.MaxLogBytes)
            {
                return false;
            }

            _pending += count;
            _pendingBytes += bytes;
            return true;
        }
    }

    private void Release(int count, long bytes)
    {
        lock (_reserveLock)
        {
            _pending -= count;
            _pendingBytes -= bytes;
        }
    }

    // Called by the log's writer after each commit, in commit order, so each partition receives its events in sequence order.
    private void Deliver(IReadOnlyList<LogEntry> entries)
    {
        foreach (var entry in entries)
        {
            _partitions[entry.Partition].Writer.TryWrite(
                new IncomingEvent(entry.Body, new StreamPosition(_partitionIds[entry.Partition], entry.Sequence), entry.Enqueued));
        }
    }

    private int PartitionOf(string partitionKey)
    {
        var hash = 2166136261u;
        foreach (var c in partitionKey)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)_partitions.Length);
    }

    private async Task ConsumeAsync(int partition)
    {
        var reader = _partitions[partition].Reader;
        var batch = new List<IncomingEvent>(_options.MaxBatchSize);
        try
        {
            while (await reader.WaitToReadAsync(_abort.Token).ConfigureAwait(false))
            {
                // Let a burst gather into one batch: fewer, larger batches mean fewer storage round trips.
                if (reader.Count < _options.MaxBatchSize && !_closed)
                {
                    await Task.Delay(_options.BatchWait, _abort.Token).ConfigureAwait(false);
                }

                batch.Clear();
                while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                Volatile.Write(ref _inFlightSinceTicks[partition], batch[0].EnqueuedTime.UtcTicks);
                await ProcessWithRetryAsync(partition, batch).ConfigureAwait(false);
                await _log.CheckpointAsync(partition, batch[^1].Position.SequenceNumber).ConfigureAwait(false);
                Volatile.Write(ref _inFlightSinceTicks[partition], 0);
                Release(batch.Count, batch.Sum(e => (long)e.Body.Length));
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            LogAbandoned(partition, reader.Count + batch.Count);
        }
        catch (Exception ex)
        {
            LogConsumerFailed(ex, partition);
            throw;
        }
    }

    private async Task ProcessWithRetryAsync(int partition, List<IncomingEvent> batch)
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
        for (var failures = 1; ; failures++)
        {
            try
            {
                Statistics.AddBatch(await _process(batch, _abort.Token).ConfigureAwait(false));
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_abort.IsCancellationRequested)
            {
                Statistics.AddRetry();
                var delay = backoff.After(failures);
                LogRedelivery(ex, partition, batch.Count, delay.TotalMilliseconds);
                await Task.Delay(delay, _abort.Token).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Batch of {Count} events on partition {Partition} failed; redelivering in {DelayMs} ms")]
    private partial void LogRedelivery(Exception exception, int partition, int count, double delayMs);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Critical, Message = "The consumer of partition {Partition} failed and stopped")]
    private partial void LogConsumerFailed(Exception exception, int partition);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Error, Message = "Stopped partition {Partition} with {Count} events unprocessed; the log keeps them for the next start")]
    private partial void LogAbandoned(int partition, int count);
}
