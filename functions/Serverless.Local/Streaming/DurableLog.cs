using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Serverless.Local.Streaming;

/// <summary>
/// The stream's write-ahead log: SQLite in WAL mode with <c>synchronous=FULL</c>, a table of the events not yet processed
/// keyed by (partition, sequence) and a table of each partition's checkpoint. One writer owns the connection and commits
/// every append and checkpoint waiting for it in one transaction (group commit), so concurrent requests share one fsync.
/// A checkpoint deletes its partition's events up to it in the same transaction, so the log holds only what is unprocessed.
/// </summary>
public sealed partial class DurableLog : IAsyncDisposable
{
    public const string FileName = "stream.db";
    private const int MaxWritesPerCommit = 512;
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _checkpoint;
    private readonly SqliteCommand _truncate;
    private readonly Channel<LogWrite> _writes = Channel.CreateUnbounded<LogWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly long[] _checkpoints;
    private readonly long[] _lastSequence;
    private readonly ILogger _logger;
    private List<LogEntry>? _recovered;
    private Action<IReadOnlyList<LogEntry>> _onDurable = _ => { };
    private Task? _writer;
    private long _commits;
    private long _appends;

    private DurableLog(string directory, SqliteConnection connection, int partitions, ILogger logger)
    {
        Directory = directory;
        _connection = connection;
        _logger = logger;
        _checkpoints = new long[partitions];
        _lastSequence = new long[partitions];
        _insert = Command("INSERT INTO events (partition, sequence, enqueued, body) VALUES ($partition, $sequence, $enqueued, $body)",
            "$partition", "$sequence", "$enqueued", "$body");
        _checkpoint = Command("INSERT INTO checkpoints (partition, sequence) VALUES ($partition, $sequence) ON CONFLICT (partition) DO UPDATE SET sequence = excluded.sequence",
            "$partition", "$sequence");
        _truncate = Command("DELETE FROM events WHERE partition = $partition AND sequence <= $sequence", "$partition", "$sequence");
    }

    public string Directory { get; }

    /// <summary>From a request's submission to its events being durable, for the latest appends.</summary>
    public LatencyWindow CommitLatency { get; } = new();

    /// <summary>Transactions committed, and the appends they carried: their ratio is how many requests share an fsync.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    public long Appends => Interlocked.Read(ref _appends);

    /// <summary>The database and its write-ahead file, in bytes.</summary>
    public long SizeBytes => FileLength(Path.Combine(Directory, FileName)) + FileLength(Path.Combine(Directory, FileName + "-wal"));

    /// <summary>The last processed sequence number of each partition (0 before any).</summary>
    public IReadOnlyDictionary<string, long> Checkpoints =>
        Enumerable.Range(0, _checkpoints.Length).ToDictionary(p => p.ToString(CultureInfo.InvariantCulture), p => Volatile.Read(ref _checkpoints[p]));

    /// <summary>
    /// Opens (or creates) the log in <paramref name="directory"/> and reads back what it holds. Only one process may have it
    /// open: a second runtime on the same folder fails here rather than interleave with the first.
    /// </summary>
    public static DurableLog Open(string directory, int partitions, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(directory);
        System.IO.Directory.CreateDirectory(directory);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(directory, FileName),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 1,
        }.ToString());
        connection.Open();
        var log = new DurableLog(directory, connection, partitions, logger);
        try
        {
            // Exclusive locking before WAL: SQLite then needs no shared-memory file, and holds the lock until closed.
            log.Execute("""
                PRAGMA locking_mode = EXCLUSIVE;
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = FULL;
                PRAGMA journal_size_limit = 67108864;
                CREATE TABLE IF NOT EXISTS events (partition INTEGER NOT NULL, sequence INTEGER NOT NULL, enqueued INTEGER NOT NULL, body BLOB NOT NULL,
                    PRIMARY KEY (partition, sequence));
                CREATE TABLE IF NOT EXISTS checkpoints (partition INTEGER PRIMARY KEY, sequence INTEGER NOT NULL);
                """);
            log.Recover();
            return log;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 5)
        {
            log.Close();
            throw new InvalidOperationException($"Another process has the stream log in {directory} open: run one local runtime per Local:Stream:DataDirectory.", ex);
        }
        catch
        {
            log.Close();
            throw;
        }
    }

    /// <summary>The events after each partition's checkpoint, by partition and in order; handed out once.</summary>
    public IReadOnlyList<LogEntry> TakeRecovered()
    {
        var recovered = _recovered ?? [];
        _recovered = null;
        return recovered;
    }

    /// <summary>The highest sequence number the log held for <paramref name="partition"/> when opened, processed or not.</summary>
    public long LastSequence(int partition) => _lastSequence[partition];

    /// <summary>Starts committing; <paramref name="onDurable"/> receives each commit's appended events, in commit order, before their writers hear.</summary>
    public void StartWriting(Action<IReadOnlyList<LogEntry>> onDurable)
    {
        _onDurable = onDurable;
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>Completes once <paramref name="entries"/> are durable and handed to the stream.</summary>
    public Task AppendAsync(IReadOnlyList<LogEntry> entries) => Submit(new Append(entries));

    /// <summary>Records that <paramref name="partition"/> has processed everything up to <paramref name="sequence"/>, and drops those events.</summary>
    public Task CheckpointAsync(int partition, long sequence) => Submit(new Checkpoint(partition, sequence));

    /// <summary>Completes once everything submitted before it has been committed (at once before writing starts or after disposal).</summary>
    public Task FlushAsync()
    {
        var barrier = new Barrier();
        return _writer is not null && _writes.Writer.TryWrite(barrier) ? barrier.Done.Task : Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_writes.Writer.TryComplete())
        {
            return;
        }

        if (_writer is not null)
        {
            await _writer.ConfigureAwait(false);
        }

        Close();
    }

    private Task Submit(LogWrite write) =>
        _writes.Writer.TryWrite(write) ? write.Done.Task : Task.FromException(new ObjectDisposedException(nameof(DurableLog)));

    private async Task WriteAsync()
    {
        var group = new List<LogWrite>(MaxWritesPerCommit);
        var appended = new List<LogEntry>();
        while (await _writes.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            appended.Clear();
            while (group.Count < MaxWritesPerCommit && _writes.Reader.TryRead(out var write))
            {
                group.Add(write);
            }

            try
            {
                Commit(group, appended);
            }
            catch (Exception ex)
            {
                LogCommitFailed(ex, group.Count);
                group.ForEach(w => w.Done.TrySetException(ex));
                continue;
            }

            _onDurable(appended);
            var now = Stopwatch.GetTimestamp();
            foreach (var write in group)
            {
                if (write is Append)
                {
                    CommitLatency.Record(Stopwatch.GetElapsedTime(write.Submitted, now));
                    Interlocked.Increment(ref _appends);
                }
                else if (write is Checkpoint checkpoint)
                {
                    Volatile.Write(ref _checkpoints[checkpoint.Partition], Math.Max(_checkpoints[checkpoint.Partition], checkpoint.Sequence));
                }

                write.Done.TrySetResult();
            }

            Interlocked.Increment(ref _commits);
        }
    }

    private void Commit(List<LogWrite> group, List<LogEntry> appended)
    {
        using var transaction = _connection.BeginTransaction();
        _insert.Transaction = _checkpoint.Transaction = _truncate.Transaction = transaction;
        foreach (var write in group)
        {
            switch (write)
            {
                case Append append:
                    foreach (var entry in append.Entries)
                    {
                        Run(_insert, entry.Partition, entry.Sequence, entry.Enqueued.UtcTicks, entry.Body);
                    }

                    appended.AddRange(append.Entries);
                    break;
                case Checkpoint checkpoint:
                    Run(_checkpoint, checkpoint.Partition, checkpoint.Sequence);
                    Run(_truncate, checkpoint.Partition, checkpoint.Sequence);
                    break;
            }
        }

        transaction.Commit();
    }

    private void Recover()
    {
        using (var checkpoints = _connection.CreateCommand())
        {
            checkpoints.CommandText = "SELECT partition, sequence FROM checkpoints";
            using var reader = checkpoints.ExecuteReader();
            while (reader.Read())
            {
                var partition = CheckPartition(reader.GetInt32(0));
                _checkpoints[partition] = _lastSequence[partition] = reader.GetInt64(1);
            }
        }

        _recovered = [];
        using var events = _connection.CreateCommand();
        events.CommandText = "SELECT partition, sequence, enqueued, body FROM events ORDER BY partition, sequence";
        using var rows = events.ExecuteReader();
        while (rows.Read())
        {
            var entry = new LogEntry(CheckPartition(rows.GetInt32(0)), rows.GetInt64(1), new DateTimeOffset(rows.GetInt64(2), TimeSpan.Zero), (byte[])rows.GetValue(3));
            _recovered.Add(entry);
            _lastSequence[entry.Partition] = Math.Max(_lastSequence[entry.Partition], entry.Sequence);
        }

        LogRecovered(Directory, _recovered.Count);
    }

    private int CheckPartition(int partition) => partition < _checkpoints.Length
        ? partition
        : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
            $"The stream log in {Directory} holds partition {partition}, but the stream has {_checkpoints.Length} partitions: start with the partition count it was written with until it has drained."));

    private SqliteCommand Command(string text, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = text;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static void Run(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        command.ExecuteNonQuery();
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private void Close()
    {
        _insert.Dispose();
        _checkpoint.Dispose();
        _truncate.Dispose();
        _connection.Dispose();
    }

    private static long FileLength(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    [LoggerMessage(EventId = 1111, Level = LogLevel.Information, Message = "Stream log in {Directory}: {Count} accepted events not yet processed are delivered again")]
    private partial void LogRecovered(string directory, int count);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Error, Message = "Could not commit {Writes} writes to the stream log")]
    private partial void LogCommitFailed(Exception exception, int writes);

    private abstract class LogWrite
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public long Submitted { get; } = Stopwatch.GetTimestamp();
    }

    private sealed class Append(IReadOnlyList<LogEntry> entries) : LogWrite
    {
        public IReadOnlyList<LogEntry> Entries => entries;
    }

    private sealed class Checkpoint(int partition, long sequence) : LogWrite
    {
        public int Partition => partition;
        public long Sequence => sequence;
    }

    private sealed class Barrier : LogWrite;
}
