using Azure;
using Serverless.Pipeline.Archive;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Storage;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Recovery;

/// <summary>What one archive blob holds: stored events (raw) or quarantine records; empty when the blob is gone.</summary>
public sealed record ArchiveBlob(string Container, string Name, IReadOnlyList<ArchivedEvent> Events, IReadOnlyList<QuarantineRecord> Quarantined);

/// <summary>
/// Reads raw and quarantine blobs, keeping the most recently used ones: customers of one batch share its blob, so a
/// rebuild reads each blob about once. Safe for concurrent use.
/// </summary>
public sealed class ArchiveReader
{
    private readonly PipelineStorage _storage;
    private readonly SchemaRegistry _schemas;
    private readonly Pseudonymizer _pseudonymizer;
    private readonly int _capacity;
    private readonly Dictionary<(string, string), LinkedListNode<(string Container, string Name, Task<ArchiveBlob> Blob)>> _entries = [];
    private readonly LinkedList<(string Container, string Name, Task<ArchiveBlob> Blob)> _recency = new();
    private readonly Lock _gate = new();
    private int _blobsRead;

    public ArchiveReader(PipelineStorage storage, SchemaRegistry schemas, Pseudonymizer pseudonymizer, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _storage = storage;
        _schemas = schemas;
        _pseudonymizer = pseudonymizer;
        _capacity = capacity;
    }

    /// <summary>How many blob downloads this reader made.</summary>
    public int BlobsRead => Volatile.Read(ref _blobsRead);

    public Task<ArchiveBlob> ReadAsync(string container, string name, CancellationToken cancellationToken)
    {
        Task<ArchiveBlob> read;
        lock (_gate)
        {
            if (_entries.TryGetValue((container, name), out var node) && !node.Value.Blob.IsFaulted && !node.Value.Blob.IsCanceled)
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                return node.Value.Blob;
            }

            if (node is not null)
            {
                _recency.Remove(node);
            }

            read = DownloadAsync(container, name, cancellationToken);
            _entries[(container, name)] = _recency.AddFirst((container, name, read));
            while (_recency.Count > _capacity)
            {
                var last = _recency.Last!;
                _recency.RemoveLast();
                _entries.Remove((last.Value.Container, last.Value.Name));
            }
        }

        return read;
    }

    private async Task<ArchiveBlob> DownloadAsync(string container, string name, CancellationToken cancellationToken)
    {
        var events = new List<ArchivedEvent>();
        var quarantined = new List<QuarantineRecord>();
        try
        {
            if (container == _storage.Names.QuarantineContainer)
            {
                await foreach (var record in QuarantineStore.ReadAsync(_storage.Quarantine, name, cancellationToken).ConfigureAwait(false))
                {
                    quarantined.Add(record);
                }
            }
            else if (container == _storage.Names.RawContainer)
            {
                await foreach (var line in GzipJsonLines.ReadAsync(_storage.Raw.GetBlobClient(name), cancellationToken).ConfigureAwait(false))
                {
                    using (line)
                    {
                        events.Add(ArchivedEvent.Read(line.RootElement, name, _schemas, _pseudonymizer));
                    }
                }
            }
            else
            {
                throw new InvalidDataException($"Container '{container}' is neither the raw archive nor the quarantine.");
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Erased, or emptied by a replay: it holds nothing any more.
            return new ArchiveBlob(container, name, [], []);
        }
        finally
        {
            Interlocked.Increment(ref _blobsRead);
        }

        return new ArchiveBlob(container, name, events, quarantined);
    }
}
