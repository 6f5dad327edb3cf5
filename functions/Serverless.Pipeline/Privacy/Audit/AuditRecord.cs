using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Serverless.Pipeline.Privacy.Audit;

/// <summary>
/// One audit record. Its hash covers every field and the hash of the record before it, so editing or removing any
/// record breaks the chain from there on.
/// </summary>
public sealed record AuditRecord(long Sequence, string Tenant, string RequestId, string Action, DateTimeOffset At, JsonObject Details, string PreviousHash, string Hash)
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string ComputeHash(long sequence, string tenant, string requestId, string action, DateTimeOffset at, JsonObject details, string previousHash)
    {
        ArgumentNullException.ThrowIfNull(details);
        var canonical = string.Join('\n',
            sequence.ToString(CultureInfo.InvariantCulture), tenant, requestId, action,
            at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), details.ToJsonString(), previousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    public bool HashIsValid => Hash == ComputeHash(Sequence, Tenant, RequestId, Action, At, Details, PreviousHash);

    public JsonObject ToJson() => new()
    {
        ["sequence"] = Sequence,
        ["tenant"] = Tenant,
        ["requestId"] = RequestId,
        ["action"] = Action,
        ["at"] = At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        ["details"] = Details.DeepClone(),
        ["previousHash"] = PreviousHash,
        ["hash"] = Hash,
    };

    public static AuditRecord FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return new AuditRecord(
            json["sequence"]!.GetValue<long>(),
            json["tenant"]!.GetValue<string>(),
            json["requestId"]!.GetValue<string>(),
            json["action"]!.GetValue<string>(),
            DateTimeOffset.Parse(json["at"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
            json["details"]!.AsObject().DeepClone().AsObject(),
            json["previousHash"]!.GetValue<string>(),
            json["hash"]!.GetValue<string>());
    }
}

/// <summary>The result of checking a tenant's audit chain.</summary>
public sealed record AuditVerification(bool IsValid, long Records, IReadOnlyList<string> Problems);
