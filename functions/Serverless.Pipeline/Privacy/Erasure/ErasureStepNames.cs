namespace Serverless.Pipeline.Privacy.Erasure;

/// <summary>The names the erasure's deleting steps record on the request, which the certificate's inventory reads.</summary>
public static class ErasureStepNames
{
    public const string DeleteViews = "delete-views";
    public const string PurgeRaw = "purge-raw";
    public const string PurgeQuarantine = "purge-quarantine";
}
