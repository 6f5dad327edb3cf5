using System.Threading.Channels;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Ingestion;
using Serverless.Pipeline.Processing;

namespace Serverless.Local.Streaming;

/// <summary>
/// Stands in for Event Hubs on one machine: events are hashed by partition key to a partition, numbered in order, and
/// delivered in batches to the processing stage by one consumer per partition. It is bounded: a request that does not
/// fit is refused whole (429). A batch that fails is delivered again, as Event Hubs would after a restart. On stop it
/// refuses new events and drains what it accepted.
/// </summary>
public sealed partial class PartitionedStream : IEventStream, IAsyncDisposable
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);
    private readonly Channel<IncomingEvent>[] _partitions;
    private readonly long[] _nextSequence;
    private readonly object[] _partitionLocks;
    private readonly Func<IReadOnlyList<IncomingEvent>, CancellationToken, Task<BatchResult>> _process;
    private readonly StreamOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PartitionedStream> _logger;
    private readonly CancellationTokenSource _abort = new();
    private readonly List<Task> _consumers = [];
    private int _pending;
    private int _disposed;
    private volatile bool _closed;

    public PartitionedStream(StreamOptions options, Func<IReadOnlyList<IncomingEvent>, CancellationToken, Task<BatchResult>> process,
        TimeProvider time, ILogger<PartitionedStream> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _process = process;
        _time = time;
        _logger = logger;
        _partitions = Enumerable.Range(0, options.Partitions)
            .Select(_ => Channel.CreateUnbounded<IncomingEvent>())
            .ToArray();
        _partitionLocks = Enumerable.Range(0, options.Partitions).Select(_ => new object()).ToArray();

        // Sequence numbers must keep growing across restarts, because views count by per-partition watermarks:
        // start from the clock (microseconds since the epoch) and never go back.
        _nextSequence = Enumerable.Repeat(time.GetUtcNow().ToUnixTimeMilliseconds() * 1000, options.Partitions).ToArray();
    }

    public StreamStatistics Statistics { get; } = new();

    public int Pending => Volatile.Read(ref _pending);

    public void Start()
    {
        for (var p = 0; p < _partitions.Length; p++)
        {
            var partition = p;
            _consumers.Add(Task.Run(() => ConsumeAsync(partition)));
        }
    }

    public ValueTask<EnqueueResult> TryEnqueueAsync(IReadOnlyList<MappedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (_closed || !TryReserve(events.Count))
        {
            return ValueTask.FromResult(EnqueueResult.Full(RetryAfter));
        }

        var enqueued = _time.GetUtcNow();
        foreach (var mapped in events)
        {
            var partition = PartitionOf(mapped.PartitionKey);
            lock (_partitionLocks[partition])
            {
                var sequence = Math.Max(_nextSequence[partition], _time.GetUtcNow().ToUnixTimeMilliseconds() * 1000);
                _nextSequence[partition] = sequence + 1;
                _partitions[partition].Writer.TryWrite(new IncomingEvent(mapped.Body, new StreamPosition(partition.ToString(System.Globalization.CultureInfo.InvariantCulture), sequence), enqueued));
            }
        }

        Statistics.AddAccepted(events.Count);
        return ValueTask.FromResult(EnqueueResult.Taken);
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
        _closed = true;
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
        _abort.Dispose();
    }

    private bool TryReserve(int count)
    {
        while (true)
        {
            var pending = Volatile.Read(ref _pending);
            if (pending + count > _options.Capacity)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _pending, pending + count, pending) == pending)
            {
                return true;
            }
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

                await ProcessWithRetryAsync(partition, batch).ConfigureAwait(false);
                Interlocked.Add(ref _pending, -batch.Count);
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
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                Statistics.AddBatch(await _process(batch, _abort.Token).ConfigureAwait(false));
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_abort.IsCancellationRequested)
            {
                Statistics.AddRetry();
                LogRedelivery(ex, partition, batch.Count, delay.TotalMilliseconds);
                await Task.Delay(delay, _abort.Token).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5_000));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch of {Count} events on partition {Partition} failed; redelivering in {DelayMs} ms")]
    private partial void LogRedelivery(Exception exception, int partition, int count, double delayMs);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The consumer of partition {Partition} failed and stopped")]
    private partial void LogConsumerFailed(Exception exception, int partition);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stopped partition {Partition} with {Count} events unprocessed")]
    private partial void LogAbandoned(int partition, int count);
}
