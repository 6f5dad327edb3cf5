using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Preparation;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Tests.Support;

/// <summary>The CPU-only parts of the pipeline, for unit tests.</summary>
internal static class TestPipeline
{
    public const string KeyBase64 = "dGVzdC1vbmx5LXBzZXVkb255bWl6YXRpb24ta2V5LTMyYnl0ZXMhIQ==";

    private static readonly Lazy<SchemaRegistry> SharedSchemas = new(() => SchemaRegistry.LoadAsync(null, CancellationToken.None).GetAwaiter().GetResult());

    public static SchemaRegistry Schemas => SharedSchemas.Value;

    public static PipelineOptions Options(string? prefix = null) => new()
    {
        PseudonymizationKey = KeyBase64,
        StoragePrefix = prefix ?? string.Empty,
        Tenants = { ["acme-law"] = new TenantOptions { DefaultRegion = "US" }, ["paris-avocats"] = new TenantOptions { DefaultRegion = "FR" } },
    };

    public static Pseudonymizer Pseudonymizer() => new(Convert.FromBase64String(KeyBase64), "k1");

    public static EventPreparer Preparer(PipelineOptions? options = null) => new(Schemas, Pseudonymizer(), options ?? Options());
}
