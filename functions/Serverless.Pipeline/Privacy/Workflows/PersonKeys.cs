using System.Text.Json.Nodes;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Privacy.Requests;

namespace Serverless.Pipeline.Privacy.Workflows;

/// <summary>The join keys of the person a request is about.</summary>
public static class PersonKeys
{
    /// <summary>The keys of the identifiers the request gives.</summary>
    public static SubjectKeys Given(Pseudonymizer pseudonymizer, PrivacyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SubjectKeys.For(pseudonymizer, request.Tenant, request.Identifiers?.Subject, request.Identifiers?.Email, request.Identifiers?.Phone);
    }

    /// <summary>The person's keys, and the subject keys of every customer record found for them.</summary>
    public static List<SubjectKeys> All(Pseudonymizer pseudonymizer, PrivacyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var keys = new List<SubjectKeys> { Given(pseudonymizer, request) };
        keys.AddRange((request.Subjects ?? []).Select(s => SubjectKeys.For(pseudonymizer, request.Tenant, s, null, null)));
        return keys.DistinctBy(k => (k.Subject, k.Email, k.Phone)).ToList();
    }

    /// <summary>
    /// The person's join keys as certificates and audit records show them: each kind once, each key once, sorted
    /// (<c>{"subjects": [...], "emails": [...], "phones": [...]}</c>).
    /// </summary>
    public static JsonObject Describe(IEnumerable<SubjectKeys> keys)
    {
        var all = keys.SelectMany(k => k.All()).ToList();
        JsonArray Of(string kind) => new([.. all.Where(k => k.Kind == kind).Select(k => k.Key).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal).Select(k => (JsonNode)JsonValue.Create(k))]);
        return new JsonObject
        {
            ["subjects"] = Of(SubjectKeys.SubjectKind),
            ["emails"] = Of(SubjectKeys.EmailKind),
            ["phones"] = Of(SubjectKeys.PhoneKind),
        };
    }
}
