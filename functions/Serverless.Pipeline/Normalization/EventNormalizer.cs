using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Normalization;

/// <summary>
/// Applies the schema's <c>x-normalize</c> rules to an event's data in place (emails, phones, timestamps, countries)
/// and collects the <c>x-contact</c> fields for the customer profile.
/// </summary>
public static class EventNormalizer
{
    public static IReadOnlyList<Violation> Normalize(PipelineEvent pipelineEvent, EventSchema schema, string defaultRegion, NormalizedFields fields)
    {
        ArgumentNullException.ThrowIfNull(pipelineEvent);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(fields);
        List<Violation>? violations = null;
        foreach (var rule in schema.Rules)
        {
            if (rule.Normalize == NormalizeAs.None && rule.Contact == ContactField.None)
            {
                continue;
            }

            foreach (var (parent, key, found) in JsonPaths.Leaves(pipelineEvent.Data, rule.Path))
            {
                var value = found;
                if (value is null || value.GetValueKind() == JsonValueKind.Null)
                {
                    continue;
                }

                if (rule.Normalize != NormalizeAs.None)
                {
                    if (!TryNormalize(rule.Normalize, value, defaultRegion, out var normalized, out var error))
                    {
                        (violations ??= []).Add(new Violation(rule.DisplayPath, "x-normalize:" + rule.Normalize.ToString().ToLowerInvariant(), error));
                        continue;
                    }

                    value = JsonValue.Create(normalized);
                    JsonPaths.Set(parent, key, value);
                }

                if (rule.Contact != ContactField.None && value.GetValueKind() == JsonValueKind.String)
                {
                    fields.Contact[rule.Contact] = value.GetValue<string>().Trim();
                }
            }
        }

        return violations ?? (IReadOnlyList<Violation>)[];
    }

    private static bool TryNormalize(NormalizeAs kind, JsonNode value, string defaultRegion, out string normalized, out string error)
    {
        normalized = string.Empty;
        if (kind == NormalizeAs.Timestamp)
        {
            return TimestampNormalizer.TryNormalize(value.AsValue(), out normalized, out error);
        }

        if (value.GetValueKind() != JsonValueKind.String)
        {
            error = "Expected a string.";
            return false;
        }

        var text = value.GetValue<string>();
        return kind switch
        {
            NormalizeAs.Email => EmailNormalizer.TryNormalize(text, out normalized, out error),
            NormalizeAs.Phone => PhoneNormalizer.TryNormalize(text, defaultRegion, out normalized, out error),
            NormalizeAs.Country => CountryCodes.TryNormalize(text, out normalized, out error),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown normalization."),
        };
    }
}
