using System.Text;
using Serverless.Pipeline.Events;

namespace Serverless.Pipeline.Validation;

/// <summary>Validates event data against its schema and lists every violation with its path, keyword and message.</summary>
public static class SchemaValidator
{
    /// <summary>The violations of <paramref name="dataJson"/>; the event pass checks the same while it normalizes and pseudonymizes.</summary>
    public static IReadOnlyList<Violation> Validate(EventSchema schema, string dataJson)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(dataJson);
        return schema.Compiled.Validate(Encoding.UTF8.GetBytes(dataJson));
    }
}
