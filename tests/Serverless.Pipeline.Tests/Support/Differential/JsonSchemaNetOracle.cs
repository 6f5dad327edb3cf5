using System.Globalization;
using System.Text.Json;
using Json.Schema;

namespace Serverless.Pipeline.Tests.Support.Differential;

/// <summary>What the reference validator says about one document.</summary>
/// <param name="Error">Set when JsonSchema.Net could not evaluate the document at all (it threw); then there is no verdict.</param>
internal sealed record OracleVerdict(bool IsValid, IReadOnlySet<ViolationKey> Violations, string? Error = null)
{
    public static OracleVerdict Failed(Exception exception) =>
        new(false, new HashSet<ViolationKey>(), exception.GetType().Name + ": " + exception.Message);
}

/// <summary>
/// The reference for <c>CompiledSchema</c>: JsonSchema.Net 8.0.5 evaluating draft-07 with format assertion, its list
/// output mapped to the (Path, Keyword) set the compiled schema contract describes.
/// </summary>
/// <remarks>
/// What JsonSchema.Net 8.0.5 gives (read from its output and its code, not guessed):
/// <list type="bullet">
/// <item>List output: one unit per evaluated (schema location, instance location); the root's own errors are in a unit
/// with an empty evaluation path, and the root result itself carries none. Each failing unit has <c>errors</c>, a map
/// from the keyword to a message; <c>properties</c>, <c>items</c> and <c>additionalProperties</c> (as a schema) add no
/// error of their own, their subschemas' units carry the errors at the child's instance location.</item>
/// <item><c>required</c>: ONE error at the object (instance location of the object) for all missing names, message
/// <c>Required properties ["a","b"] are not present</c> (the names as a JSON array). Mapped here to one entry per name
/// at the object's path + the name; the names are taken from the message and checked against the instance.</item>
/// <item><c>additionalProperties: false</c>: one unit per extra property, instance location = the extra property,
/// evaluation path ending in <c>/additionalProperties</c>, error key EMPTY ("" → "All values fail against the false
/// schema"). Mapped to keyword <c>additionalProperties</c> at the extra property's path.</item>
/// <item><c>format</c>: error key <c>format</c> at the string's location (<c>Value does not match format "email"</c>),
/// only with <c>RequireFormatValidation</c>; formats it does not know pass.</item>
/// <item>Evaluation paths are not reliable pointers into the schema: a property named <c>a/b~c</c> appears as
/// <c>/properties/a~01b~00c</c>. Instance locations are correct RFC 6901 pointers, resolved here against the document
/// to tell an array index from a property named "0".</item>
/// <item>Type-specific keywords ignore other types; <c>enum</c> and <c>const</c> are evaluated whatever the type, so a
/// wrong-typed value under <c>{"type":"string","enum":[…]}</c> gives both <c>type</c> and <c>enum</c>.</item>
/// </list>
/// </remarks>
internal sealed class JsonSchemaNetOracle
{
    private static readonly EvaluationOptions Options = new()
    {
        OutputFormat = OutputFormat.List,
        RequireFormatValidation = true,
        Culture = CultureInfo.InvariantCulture,
    };

    private readonly JsonSchema _schema;

    public JsonSchemaNetOracle(string schemaText)
    {
        // A registry of its own per schema: the global one would collect every test schema under a random base URI.
        _schema = JsonSchema.FromText(schemaText, new BuildOptions { Dialect = Dialect.Draft07, SchemaRegistry = new SchemaRegistry() });
    }

    public OracleVerdict Evaluate(ReadOnlyMemory<byte> utf8Data)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8Data);
            var results = _schema.Evaluate(document.RootElement, Options);
            var violations = new HashSet<ViolationKey>();
            Collect(results, document.RootElement, violations);
            if (results.IsValid != (violations.Count == 0))
            {
                throw new OracleMappingException(
                    $"JsonSchema.Net said valid={results.IsValid} but the mapping found {violations.Count} violation(s).");
            }

            return new OracleVerdict(results.IsValid, violations);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or OverflowException or JsonException)
        {
            return OracleVerdict.Failed(ex);
        }
    }

    private static void Collect(EvaluationResults unit, JsonElement root, HashSet<ViolationKey> into)
    {
        if (unit.Errors is { Count: > 0 } errors)
        {
            var (instance, path) = Resolve(root, unit.InstanceLocation.ToString());
            foreach (var (key, message) in errors)
            {
                var keyword = key.Length > 0 ? key : FalseSchemaKeyword(unit.EvaluationPath.ToString());
                if (keyword == "required")
                {
                    foreach (var name in MissingNames(message, instance))
                    {
                        into.Add(new ViolationKey(ViolationPath.Property(path, name), "required"));
                    }
                }
                else
                {
                    into.Add(new ViolationKey(path, keyword));
                }
            }
        }

        foreach (var detail in unit.Details ?? [])
        {
            Collect(detail, root, into);
        }
    }

    /// <summary>An error with an empty key is a false schema failing; the keyword that held it ends the evaluation path.</summary>
    private static string FalseSchemaKeyword(string evaluationPath)
    {
        var last = evaluationPath[(evaluationPath.LastIndexOf('/') + 1)..];
        return last is "additionalProperties" or "items" ? last : "false";
    }

    private static IEnumerable<string> MissingNames(string message, JsonElement instance)
    {
        var start = message.IndexOf('[', StringComparison.Ordinal);
        var end = message.LastIndexOf(']');
        if (start < 0 || end < start)
        {
            throw new OracleMappingException($"Unexpected 'required' message from JsonSchema.Net: {message}");
        }

        var names = JsonSerializer.Deserialize<string[]>(message[start..(end + 1)])
            ?? throw new OracleMappingException($"Unexpected 'required' message from JsonSchema.Net: {message}");
        foreach (var name in names)
        {
            if (instance.ValueKind != JsonValueKind.Object || instance.TryGetProperty(name, out _))
            {
                throw new OracleMappingException($"JsonSchema.Net reported '{name}' missing, but the instance has it: {message}");
            }
        }

        return names;
    }

    /// <summary>Walks an RFC 6901 pointer through the document, building the contract path as it goes.</summary>
    private static (JsonElement Instance, string Path) Resolve(JsonElement root, string pointer)
    {
        var instance = root;
        var path = ViolationPath.Root;
        if (pointer.Length == 0)
        {
            return (instance, path);
        }

        if (pointer[0] != '/')
        {
            throw new OracleMappingException($"Unexpected instance location '{pointer}'.");
        }

        foreach (var raw in pointer[1..].Split('/'))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (instance.ValueKind == JsonValueKind.Array)
            {
                var index = int.Parse(segment, NumberStyles.None, CultureInfo.InvariantCulture);
                instance = instance[index];
                path = ViolationPath.Item(path, index);
            }
            else
            {
                instance = instance.GetProperty(segment);
                path = ViolationPath.Property(path, segment);
            }
        }

        return (instance, path);
    }
}

/// <summary>The oracle's reading of JsonSchema.Net's output broke an assumption: a bug in the test support, never a verdict.</summary>
internal sealed class OracleMappingException(string message) : Exception(message);
