using NJsonSchema.Validation;
using Serverless.Pipeline.Events;

namespace Serverless.Pipeline.Validation;

/// <summary>Validates event data against its schema and lists every violation with its path, keyword and message.</summary>
public static class SchemaValidator
{
    public static IReadOnlyList<Violation> Validate(EventSchema schema, string dataJson)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var errors = schema.Schema.Validate(dataJson);
        if (errors.Count == 0)
        {
            return [];
        }

        var violations = new List<Violation>();
        Flatten(errors, violations);
        return violations;
    }

    private static void Flatten(IEnumerable<ValidationError> errors, List<Violation> into)
    {
        foreach (var error in errors)
        {
            if (error is ChildSchemaValidationError child && child.Errors.Count > 0 && error.Kind is not (ValidationErrorKind.NotAnyOf or ValidationErrorKind.NotOneOf))
            {
                Flatten(child.Errors.SelectMany(e => e.Value), into);
                continue;
            }

            into.Add(new Violation(ToPath(error), Keyword(error.Kind), Message(error)));
        }
    }

    private static string ToPath(ValidationError error)
    {
        var path = error.Path ?? "#";
        path = path.StartsWith("#/", StringComparison.Ordinal) ? "$.data." + path[2..] : "$.data";
        if (error.Kind == ValidationErrorKind.PropertyRequired && error.Property is not null && !path.EndsWith(error.Property, StringComparison.Ordinal))
        {
            path += "." + error.Property;
        }

        return path;
    }

    private static string Message(ValidationError error) => error.Kind switch
    {
        ValidationErrorKind.PropertyRequired => $"Property '{error.Property}' is required.",
        ValidationErrorKind.NoAdditionalPropertiesAllowed => $"Property '{error.Property}' is not allowed by the schema.",
        _ => $"{SplitWords(error.Kind.ToString())}.",
    };

    private static string SplitWords(string pascal) =>
        string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : c.ToString()));

    private static string Keyword(ValidationErrorKind kind) => kind switch
    {
        ValidationErrorKind.PropertyRequired => "required",
        ValidationErrorKind.NoAdditionalPropertiesAllowed or ValidationErrorKind.AdditionalPropertiesNotValid => "additionalProperties",
        ValidationErrorKind.PatternMismatch => "pattern",
        ValidationErrorKind.StringTooShort => "minLength",
        ValidationErrorKind.StringTooLong => "maxLength",
        ValidationErrorKind.NumberTooSmall => "minimum",
        ValidationErrorKind.NumberTooBig => "maximum",
        ValidationErrorKind.NotInEnumeration => "enum",
        ValidationErrorKind.TooManyItems => "maxItems",
        ValidationErrorKind.TooFewItems => "minItems",
        ValidationErrorKind.ItemsNotUnique => "uniqueItems",
        ValidationErrorKind.NotAnyOf => "anyOf",
        ValidationErrorKind.NotOneOf => "oneOf",
        ValidationErrorKind.NotAllOf => "allOf",
        ValidationErrorKind.ExcludedSchemaValidates => "not",
        ValidationErrorKind.NumberNotMultipleOf => "multipleOf",
        ValidationErrorKind.TooManyProperties => "maxProperties",
        ValidationErrorKind.TooFewProperties => "minProperties",
        ValidationErrorKind.DateTimeExpected or ValidationErrorKind.DateExpected or ValidationErrorKind.TimeExpected
            or ValidationErrorKind.EmailExpected or ValidationErrorKind.UriExpected or ValidationErrorKind.GuidExpected
            or ValidationErrorKind.IpV4Expected or ValidationErrorKind.IpV6Expected or ValidationErrorKind.HostnameExpected => "format",
        ValidationErrorKind.NullExpected or ValidationErrorKind.StringExpected or ValidationErrorKind.NumberExpected
            or ValidationErrorKind.IntegerExpected or ValidationErrorKind.BooleanExpected or ValidationErrorKind.ObjectExpected
            or ValidationErrorKind.ArrayExpected => "type",
        _ => kind.ToString(),
    };
}
