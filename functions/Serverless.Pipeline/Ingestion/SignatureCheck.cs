namespace Serverless.Pipeline.Ingestion;

public enum SignatureStatus
{
    Valid,
    Missing,
    Invalid,
    Stale,
}

/// <summary>The outcome of checking a request's signature, and the delivery id that replay protection keys on.</summary>
public readonly record struct SignatureCheck(SignatureStatus Status, string? DeliveryId, string Detail)
{
    public static SignatureCheck Valid(string? deliveryId) => new(SignatureStatus.Valid, deliveryId, string.Empty);
}
