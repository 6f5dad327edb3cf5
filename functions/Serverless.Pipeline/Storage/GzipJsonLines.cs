using System.Buffers;
using System.IO.Compression;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Serverless.Pipeline.Storage;

/// <summary>Writes and reads gzip-compressed JSON Lines blobs; a write never replaces a blob that exists.</summary>
public static class GzipJsonLines
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = true };

    /// <summary>Uploads the lines unless the blob exists. Returns false when it existed (a redelivered batch).</summary>
    public static async Task<bool> WriteOnceAsync<T>(BlobContainerClient container, string blobName, IReadOnlyList<T> items,
        Action<Utf8JsonWriter, T> writeLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(writeLine);
        var lines = new ArrayBufferWriter<byte>(items.Count * 1024);
        await using (var writer = new Utf8JsonWriter(lines, WriterOptions))
        {
            foreach (var item in items)
            {
                writeLine(writer, item);
                writer.Flush();
                lines.Write("\n"u8);
                writer.Reset(lines);
            }
        }

        using var buffer = new MemoryStream(lines.WrittenCount / 3 + 64);
        await using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(lines.WrittenMemory, cancellationToken).ConfigureAwait(false);
        }

        buffer.Position = 0;
        try
        {
            await container.GetBlobClient(blobName).UploadAsync(buffer, new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/gzip" },
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409 || ex.ErrorCode == BlobErrorCode.BlobAlreadyExists)
        {
            return false;
        }
    }

    /// <summary>
    /// Rewrites a blob without the lines <paramref name="remove"/> picks (deleting it when none are left), guarded by the
    /// ETag it was read with. Returns the removed lines; none when the blob is gone or holds nothing to remove.
    /// </summary>
    public static Task<IReadOnlyList<string>> RemoveLinesAsync(BlobClient blob, Func<string, bool> remove, CancellationToken cancellationToken) =>
        RemoveLinesAsync(blob, remove, null, cancellationToken);

    /// <summary>
    /// As <see cref="RemoveLinesAsync(BlobClient, Func{string, bool}, CancellationToken)"/>, calling
    /// <paramref name="beforeRewrite"/> with the lines to remove before the blob changes, so that a caller can record or
    /// undo what depends on them while they can still be found.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RemoveLinesAsync(BlobClient blob, Func<string, bool> remove,
        Func<IReadOnlyList<string>, CancellationToken, Task>? beforeRewrite, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(remove);
        Azure.Response<BlobDownloadResult> download;
        try
        {
            download = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return [];
        }

        string text;
        await using (var gzip = new GZipStream(download.Value.Content.ToStream(), CompressionMode.Decompress))
        using (var reader = new StreamReader(gzip))
        {
            text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var removed = lines.Where(remove).ToList();
        if (removed.Count == 0)
        {
            return [];
        }

        if (beforeRewrite is not null)
        {
            await beforeRewrite(removed, cancellationToken).ConfigureAwait(false);
        }

        var conditions = new BlobRequestConditions { IfMatch = download.Value.Details.ETag };
        var kept = lines.Where(line => !remove(line)).ToList();
        if (kept.Count == 0)
        {
            await blob.DeleteAsync(DeleteSnapshotsOption.IncludeSnapshots, conditions, cancellationToken).ConfigureAwait(false);
            return removed;
        }

        using var buffer = new MemoryStream();
        await using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', kept) + "\n"), cancellationToken).ConfigureAwait(false);
        }

        buffer.Position = 0;
        await blob.UploadAsync(buffer, new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = "application/gzip" } }, cancellationToken).ConfigureAwait(false);
        return removed;
    }

    /// <summary>Reads every line of a blob as JSON.</summary>
    public static async IAsyncEnumerable<JsonDocument> ReadAsync(BlobClient blob,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var download = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await using var content = download.Value.Content;
        await using var gzip = new GZipStream(content, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length > 0)
            {
                yield return JsonDocument.Parse(line);
            }
        }
    }
}
