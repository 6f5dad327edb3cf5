using System.IO.Compression;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace Serverless.Testing;

/// <summary>Reads every blob and every table entity a runtime wrote (all names under its prefix) as text.</summary>
public static class StorageScan
{
    public static async Task<List<(string Where, string Text)>> EverythingAsync(string connectionString, string prefix)
    {
        var found = new List<(string, string)>();
        var blobs = new BlobServiceClient(connectionString);
        await foreach (var container in blobs.GetBlobContainersAsync(prefix: prefix))
        {
            var client = blobs.GetBlobContainerClient(container.Name);
            await foreach (var blob in client.GetBlobsAsync())
            {
                var bytes = (await client.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray();
                found.Add(($"{container.Name}/{blob.Name}", blob.Name + "\n" + Decode(bytes)));
            }
        }

        var tables = new TableServiceClient(connectionString);
        await foreach (var table in tables.QueryAsync(t => t.Name.CompareTo(prefix) >= 0 && t.Name.CompareTo(prefix + "~") < 0))
        {
            await foreach (var entity in tables.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                var text = string.Join("\n", entity.Select(p => $"{p.Key}={p.Value}"));
                found.Add(($"{table.Name}/{entity.PartitionKey}/{entity.RowKey}", Uri.UnescapeDataString(text)));
            }
        }

        return found;
    }

    private static string Decode(byte[] bytes)
    {
        if (bytes.Length > 2 && bytes[0] == 0x1F && bytes[1] == 0x8B)
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var reader = new StreamReader(gzip);
            return reader.ReadToEnd();
        }

        return Encoding.UTF8.GetString(bytes);
    }
}
