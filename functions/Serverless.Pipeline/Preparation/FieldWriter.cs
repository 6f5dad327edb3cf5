using System.Globalization;
using System.Text;
using System.Text.Json;
using Serverless.Pipeline.Enrichment;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Normalization;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Preparation;

/// <summary>
/// The event pass's work on one event's ruled fields, value by value as the pass reaches them: normalize
/// (<c>x-normalize</c>), enrich (<c>x-enrich</c>; an IP address is replaced by its network before either copy is
/// written), collect the profile's contact fields (<c>x-contact</c>), and write the value to the stored copy and,
/// keyed when it is personal (<c>x-pii</c>), to the pseudonymized copy.
/// </summary>
internal sealed class FieldWriter : IFieldWriter
{
    private readonly string _tenant;
    private readonly string _region;
    private readonly Pseudonymizer _pseudonymizer;
    private readonly EventEnricher? _enricher;
    private EnrichmentContext? _context;
    private Dictionary<int, int>? _ordinals;
    private List<int>? _entryRules;

    /// <param name="enricher">Null to enrich nothing (a rebuild reads the stored enrichments back instead).</param>
    public FieldWriter(string tenant, string region, Pseudonymizer pseudonymizer, EventEnricher? enricher)
    {
        _tenant = tenant;
        _region = region;
        _pseudonymizer = pseudonymizer;
        _enricher = enricher;
    }

    public Dictionary<ContactField, string> Contact { get; } = [];

    public EventEnrichments Enrichments { get; } = new();

    public List<Violation>? NormalizationErrors { get; private set; }

    public void WriteScalar(ref Utf8JsonReader reader, SchemaNode node, ReadOnlySpan<byte> rawToken, Utf8JsonWriter stored, Utf8JsonWriter pseudonymized)
    {
        var rule = node.Rule!;
        var token = reader.TokenType;
        if (token == JsonTokenType.Null)
        {
            stored.WriteNullValue();
            pseudonymized.WriteNullValue();
            return;
        }

        var text = token == JsonTokenType.String ? reader.GetString() : null;
        var changed = false;
        if (rule.Normalize != NormalizeAs.None)
        {
            if (!TryNormalize(rule.Normalize, ref reader, text, out var normalized, out var error))
            {
                (NormalizationErrors ??= []).Add(new Violation(rule.DisplayPath, "x-normalize:" + rule.Normalize.ToString().ToLowerInvariant(), error));
                stored.WriteRawValue(rawToken, skipInputValidation: true);
                pseudonymized.WriteRawValue(rawToken, skipInputValidation: true);
                return;
            }

            changed = normalized != text;
            text = normalized;
        }

        if (rule.Enrich is { } enrich && text is not null && _enricher is not null)
        {
            _context ??= _enricher.ContextFor(_tenant);
            (_entryRules ??= []).Add(node.RuleIndex);
            if (_enricher.EnrichField(enrich, FieldName(rule, node.RuleIndex), text, _context, Enrichments) is { } replacement)
            {
                changed |= replacement != text;
                text = replacement;
            }
        }

        if (rule.Contact != ContactField.None && text is not null)
        {
            Contact[rule.Contact] = text.Trim();
        }

        if (changed)
        {
            stored.WriteStringValue(text);
        }
        else
        {
            stored.WriteRawValue(rawToken, skipInputValidation: true);
        }

        if (!rule.IsPii)
        {
            if (changed)
            {
                pseudonymized.WriteStringValue(text);
            }
            else
            {
                pseudonymized.WriteRawValue(rawToken, skipInputValidation: true);
            }
        }
        else if (text is not null)
        {
            _pseudonymizer.WriteJoinKey(pseudonymized, _tenant, text);
        }
        else
        {
            // A number or a boolean marked personal: its JSON text is keyed.
            Span<char> chars = stackalloc char[rawToken.Length];
            _pseudonymizer.WriteJoinKey(pseudonymized, _tenant, chars[..Encoding.UTF8.GetChars(rawToken, chars)]);
        }
    }

    public void WriteComposite(SchemaNode node, ReadOnlySpan<byte> rawValue, Utf8JsonWriter stored, Utf8JsonWriter pseudonymized)
    {
        stored.WriteRawValue(rawValue, skipInputValidation: true);
        if (node.Rule!.IsPii)
        {
            _pseudonymizer.WriteJoinKey(pseudonymized, _tenant, Encoding.UTF8.GetString(rawValue));
        }
        else
        {
            pseudonymized.WriteRawValue(rawValue, skipInputValidation: true);
        }
    }

    /// <summary>Puts the enrichment entries in the schema's rule order, as a reader of the stored object expects them.</summary>
    public void Finish()
    {
        if (_entryRules is { Count: > 1 })
        {
            Enrichments.Reorder(_entryRules);
        }
    }

    private string FieldName(FieldRule rule, int ruleIndex)
    {
        if (!rule.HasArrayStep)
        {
            return rule.DottedPath;
        }

        _ordinals ??= [];
        var ordinal = _ordinals.GetValueOrDefault(ruleIndex);
        _ordinals[ruleIndex] = ordinal + 1;
        return string.Create(CultureInfo.InvariantCulture, $"{rule.DottedPath}[{ordinal}]");
    }

    private bool TryNormalize(NormalizeAs kind, ref Utf8JsonReader reader, string? text, out string normalized, out string error)
    {
        if (kind == NormalizeAs.Timestamp)
        {
            return text is not null ? TimestampNormalizer.TryNormalize(text, out normalized, out error)
                : reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var epoch) ? TimestampNormalizer.TryNormalize(epoch, out normalized, out error)
                : TimestampNormalizer.NotATimestamp(out normalized, out error);
        }

        if (text is null)
        {
            normalized = string.Empty;
            error = "Expected a string.";
            return false;
        }

        return kind switch
        {
            NormalizeAs.Email => EmailNormalizer.TryNormalize(text, out normalized, out error),
            NormalizeAs.Phone => PhoneNormalizer.TryNormalize(text, _region, out normalized, out error),
            NormalizeAs.Country => CountryCodes.TryNormalize(text, out normalized, out error),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown normalization."),
        };
    }
}
