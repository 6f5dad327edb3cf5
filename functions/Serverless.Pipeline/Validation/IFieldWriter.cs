using System.Text.Json;

namespace Serverless.Pipeline.Validation;

/// <summary>
/// What the event pass does with a field its schema gives a rule to (<see cref="SchemaNode.Rule"/>): it writes the
/// field's value to the stored and the pseudonymized copies itself, normalized, anonymized or keyed as the rule says.
/// </summary>
internal interface IFieldWriter
{
    /// <param name="reader">Positioned on the field's value, a scalar token.</param>
    /// <param name="node">The field's schema, with its rule.</param>
    /// <param name="rawToken">The value's token as it is in the data (strings with their quotes).</param>
    void WriteScalar(ref Utf8JsonReader reader, SchemaNode node, ReadOnlySpan<byte> rawToken, Utf8JsonWriter stored, Utf8JsonWriter pseudonymized);

    /// <summary>A field whose value is an object or an array: the rule applies to its JSON text as a whole.</summary>
    void WriteComposite(SchemaNode node, ReadOnlySpan<byte> rawValue, Utf8JsonWriter stored, Utf8JsonWriter pseudonymized);
}
