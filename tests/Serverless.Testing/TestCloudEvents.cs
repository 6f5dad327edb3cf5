using System.Text.Json.Nodes;

namespace Serverless.Testing;

/// <summary>Structured-mode CloudEvents with the pipeline's tenant extension, as the event stream carries them.</summary>
public static class TestCloudEvents
{
    public static JsonObject Envelope(string id, string source, string type, string subject, string time, string tenant, string dataJson,
        string? dataSchema = null)
    {
        var envelope = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = id,
            ["source"] = source,
            ["type"] = type,
            ["subject"] = subject,
            ["time"] = time,
            ["tenant"] = tenant,
            ["datacontenttype"] = "application/json",
            ["data"] = JsonNode.Parse(dataJson),
        };
        if (dataSchema is not null)
        {
            envelope["dataschema"] = dataSchema;
        }

        return envelope;
    }
}
