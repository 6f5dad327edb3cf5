using Azure.Data.Tables;
using Serverless.Pipeline.Storage;

namespace Serverless.Pipeline.Views;

/// <summary>The subject index: which blobs hold a customer's events, so that erasure rewrites only those.</summary>
public static class SubjectIndex
{
    public const string Prefix = "blob|";

    public static string RowKey(BlobRef blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        return Prefix + blob.Container + TableKeys.Separator + TableKeys.Escape(blob.Name);
    }

    public static TableEntity ToEntity(string partitionKey, BlobRef blob) => new(partitionKey, RowKey(blob))
    {
        ["Container"] = blob.Container,
        ["Blob"] = blob.Name,
        ["Events"] = blob.EventCount,
    };
}
