using System.Globalization;
using Azure.Data.Tables;
using Serverless.Pipeline.Normalization;
using Serverless.Pipeline.Preparation;
using Serverless.Pipeline.Storage;

namespace Serverless.Pipeline.Views;

/// <summary>Recent-activity rows: one per event, keyed so that a partition read returns the newest first.</summary>
internal static class ActivityRows
{
    public const string Prefix = "act|";

    // Table strings hold 32K UTF-16 characters; data beyond that is left to the raw archive.
    private const int MaxDataChars = 30_000;

    public static string RowKey(PreparedEvent prepared)
    {
        var inverted = DateTimeOffset.MaxValue.UtcTicks - prepared.Event.Time.UtcTicks;
        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}{inverted:D19}{TableKeys.Separator}{TableKeys.Escape(prepared.Event.Id)}");
    }

    public static TableEntity ToEntity(string partitionKey, PreparedEvent prepared, string rawBlob)
    {
        var data = prepared.PseudonymizedData;
        var truncated = data.Length > MaxDataChars;
        var entity = new TableEntity(partitionKey, RowKey(prepared))
        {
            ["EventId"] = prepared.Event.Id,
            ["Type"] = prepared.Event.Type,
            ["Source"] = prepared.Event.Source,
            ["Time"] = prepared.Event.Time,
            ["TimeText"] = TimestampNormalizer.Format(prepared.Event.Time),
            ["Data"] = truncated ? "{}" : data,
            ["DataTruncated"] = truncated,
            ["RawBlob"] = rawBlob,
        };
        if (prepared.Enrichments.ToViewJson() is { } enrichments)
        {
            entity["Enrichments"] = enrichments;
        }

        return entity;
    }
}
