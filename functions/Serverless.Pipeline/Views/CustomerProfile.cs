using Azure.Data.Tables;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Views;

/// <summary>
/// Folds a batch's events into a customer profile entity: latest contact fields (newest event time wins, per field),
/// first and last seen, event counts by type, join keys for analytics, and the keys of the recent-activity rows kept.
/// </summary>
internal static class CustomerProfile
{
    public const string RowKey = "profile";
    public const string ActivityKeysProperty = "ActivityKeys";

    public static TableEntity Fold(TableEntity? existing, string partitionKey, SubjectBatch batch, Pseudonymizer pseudonymizer)
    {
        var profile = existing is null ? new TableEntity(partitionKey, RowKey) : new TableEntity(existing);
        profile["Tenant"] = batch.Tenant;
        profile["Subject"] = batch.Subject;
        foreach (var prepared in batch.Events)
        {
            var time = prepared.Event.Time;
            if (profile.GetDateTimeOffset("FirstSeen") is not { } first || time < first)
            {
                profile["FirstSeen"] = time;
            }

            if (profile.GetDateTimeOffset("LastSeen") is not { } last || time > last)
            {
                profile["LastSeen"] = time;
            }

            foreach (var (field, value) in prepared.Contact)
            {
                var at = field + "At";
                if (profile.GetDateTimeOffset(at) is not { } setAt || time >= setAt)
                {
                    profile[field.ToString()] = value;
                    profile[at] = time;
                }
            }

            var position = prepared.Incoming.Position;
            if (Watermarks.IsNew(profile, position))
            {
                profile["EventCount"] = (profile.GetInt64("EventCount") ?? 0) + 1;
                var countName = PropertyNames.Count(prepared.Event.Type);
                profile[countName] = (profile.GetInt64(countName) ?? 0) + 1;
                Watermarks.Advance(profile, position);
            }
        }

        SetJoinKey(profile, ContactField.Email, batch.Tenant, pseudonymizer);
        SetJoinKey(profile, ContactField.Phone, batch.Tenant, pseudonymizer);
        return profile;
    }

    public static List<string> ActivityKeys(TableEntity profile) =>
        profile.GetString(ActivityKeysProperty) is { Length: > 0 } keys ? [.. keys.Split('\n')] : [];

    private static void SetJoinKey(TableEntity profile, ContactField field, string tenant, Pseudonymizer pseudonymizer)
    {
        if (profile.GetString(field.ToString()) is { Length: > 0 } value)
        {
            profile[field + "Key"] = pseudonymizer.JoinKey(tenant, value);
        }
    }
}
