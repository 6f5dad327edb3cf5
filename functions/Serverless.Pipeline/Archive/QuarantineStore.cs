using System.Text.Json;
using Azure.Storage.Blobs;
using Serverless.Pipeline.Storage;

namespace Serverless.Pipeline.Archive;

/// <summary>Writes quarantine blobs (gzip JSON Lines of <see cref="QuarantineRecord"/>) and reads them back for replay.</summary>
public static class QuarantineStore
{
    public static void WriteLine(Utf8JsonWriter writer, QuarantineRecord record) =>
        JsonSerializer.Serialize(writer, record, QuarantineJsonContext.Default.QuarantineRecord);

    public static async IAsyncEnumerable<QuarantineRecord> ReadAsync(BlobContainerClient container, string blobName,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        await foreach (var line in GzipJsonLines.ReadAsync(container.GetBlobClient(blobName), cancellationToken).ConfigureAwait(false))
        {
            using (line)
            {
                yield return line.Deserialize(QuarantineJsonContext.Default.QuarantineRecord)
                    ?? throw new InvalidDataException($"Quarantine blob '{blobName}' holds an empty line.");
            }
        }
    }
}
