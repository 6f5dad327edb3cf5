using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Serverless.Infra.Tests;

/// <summary>One resource of a compiled template, with the template that declares it and the module deployment (if any) that holds that template.</summary>
public sealed record ArmResource(JsonObject Resource, JsonObject Template, JsonObject? Deployment)
{
    public string Type => Resource["type"]!.GetValue<string>();

    public string Name => Resource["name"]!.GetValue<string>();

    public JsonObject Properties => Resource["properties"]?.AsObject() ?? [];
}

/// <summary>Reads compiled ARM templates: nested module deployments, variables and parameter references.</summary>
public static partial class ArmTemplate
{
    public const string DeploymentType = "Microsoft.Resources/deployments";

    /// <summary>The resources of one template: an array, or an object keyed by symbolic name (language version 2.0).</summary>
    public static IEnumerable<JsonObject> Resources(JsonObject template) => template["resources"] switch
    {
        JsonArray array => array.Select(r => r!.AsObject()),
        JsonObject symbolic => symbolic.Select(p => p.Value!.AsObject()),
        _ => [],
    };

    /// <summary>Every resource of the template and of the templates of its nested deployments, recursively.</summary>
    public static IEnumerable<ArmResource> AllResources(JsonObject template, JsonObject? deployment = null)
    {
        foreach (var resource in Resources(template))
        {
            yield return new ArmResource(resource, template, deployment);
            if (resource["type"]?.GetValue<string>() == DeploymentType && resource["properties"]?["template"] is JsonObject nested)
            {
                foreach (var inner in AllResources(nested, resource))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>Every template: the main one and each nested deployment's, recursively.</summary>
    public static IEnumerable<JsonObject> AllTemplates(JsonObject template) =>
        new[] { template }.Concat(AllResources(template)
            .Where(r => r.Type == DeploymentType && r.Properties["template"] is JsonObject)
            .Select(r => r.Properties["template"]!.AsObject()));

    public static IEnumerable<ArmResource> OfType(JsonObject template, string type) =>
        AllResources(template).Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    public static ArmResource Single(JsonObject template, string type) => Assert.Single(OfType(template, type));

    /// <summary>The resources of one type that the template of the main template's module <paramref name="module"/> declares itself.</summary>
    public static IEnumerable<ArmResource> InModule(JsonObject main, string module, string type) =>
        OfType(main, type).Where(r => r.Deployment?["name"]?.GetValue<string>() == module);

    /// <summary>The one resource of a type that the template of the main template's module <paramref name="module"/> declares.</summary>
    public static ArmResource SingleInModule(JsonObject main, string module, string type) => Assert.Single(InModule(main, module, type));

    /// <summary>The module deployment of the main template with this deployment name.</summary>
    public static JsonObject Module(JsonObject main, string name) =>
        Assert.Single(Resources(main), r => r["type"]?.GetValue<string>() == DeploymentType && r["name"]?.GetValue<string>() == name);

    /// <summary>The value a module deployment passes for one of its template's parameters.</summary>
    public static JsonNode? PassedValue(JsonObject deployment, string parameter) =>
        deployment["properties"]?["parameters"]?[parameter]?["value"];

    /// <summary>The name of the parameter an expression is exactly (<c>[parameters('x')]</c>), or null.</summary>
    public static string? ParameterName(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<string>(out var text) && ParameterExpression().Match(text) is { Success: true } match
            ? match.Groups[1].Value
            : null;

    /// <summary>
    /// A value as the template will see it when the main template is deployed with its defaults: follows
    /// <c>[parameters('x')]</c> to the value the module deployment passes, then to the main template's default.
    /// </summary>
    public static JsonNode? Resolve(ArmResource owner, JsonNode? value, JsonObject main)
    {
        var parameter = ParameterName(value);
        if (parameter is null)
        {
            return value;
        }

        if (owner.Deployment is not null && PassedValue(owner.Deployment, parameter) is { } passed)
        {
            var mainParameter = ParameterName(passed);
            return mainParameter is null ? passed : main["parameters"]?[mainParameter]?["defaultValue"];
        }

        return owner.Template["parameters"]?[parameter]?["defaultValue"];
    }

    /// <summary>The value of a variable when the expression is exactly <c>[variables('x')]</c>; otherwise the value itself.</summary>
    public static JsonNode? Variable(JsonObject template, JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<string>(out var text) && VariableExpression().Match(text) is { Success: true } match
            ? template["variables"]?[match.Groups[1].Value]
            : value;

    /// <summary>Every string in a JSON tree.</summary>
    public static IEnumerable<string> Strings(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var property in obj)
                {
                    yield return property.Key;
                    foreach (var s in Strings(property.Value))
                    {
                        yield return s;
                    }
                }

                break;
            case JsonArray array:
                foreach (var s in array.SelectMany(Strings))
                {
                    yield return s;
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                yield return value.GetValue<string>();
                break;
        }
    }

    /// <summary>
    /// The elements of an array-valued property: a literal array, or an expression that concatenates variables
    /// (plain arrays, or <c>copy</c> loops, whose element template is returned).
    /// </summary>
    public static IReadOnlyList<JsonObject> ArrayElements(JsonObject template, JsonNode? value)
    {
        if (value is JsonArray array)
        {
            return array.Select(e => e!.AsObject()).ToList();
        }

        var elements = new List<JsonObject>();
        var variables = template["variables"]?.AsObject() ?? [];
        foreach (Match match in VariableReference().Matches(value?.GetValue<string>() ?? string.Empty))
        {
            var name = match.Groups[1].Value;
            if (variables[name] is JsonArray plain)
            {
                elements.AddRange(plain.Select(e => e!.AsObject()));
            }
            else if (variables["copy"] is JsonArray loops && loops.FirstOrDefault(l => l?["name"]?.GetValue<string>() == name) is { } loop)
            {
                elements.Add(loop["input"]!.AsObject());
            }
            else
            {
                throw new InvalidOperationException($"Variable '{name}' is neither an array nor a copy loop.");
            }
        }

        return elements;
    }

    /// <summary>The role definition GUID of a role assignment: written in the expression, or in the variable it reads.</summary>
    public static string RoleDefinitionGuid(ArmResource assignment)
    {
        var expression = assignment.Properties["roleDefinitionId"]!.GetValue<string>();
        var literal = Guid().Match(expression);
        if (literal.Success)
        {
            return literal.Value.ToLowerInvariant();
        }

        var member = VariableMember().Match(expression);
        Assert.True(member.Success, "Cannot read the role definition of: " + expression);
        var value = assignment.Template["variables"]?[member.Groups[1].Value]?[member.Groups[2].Value]?.GetValue<string>();
        Assert.NotNull(value);
        return Guid().Match(value).Value.ToLowerInvariant();
    }

    [GeneratedRegex(@"^\[parameters\('([^']+)'\)\]$")]
    private static partial Regex ParameterExpression();

    [GeneratedRegex(@"^\[variables\('([^']+)'\)\]$")]
    private static partial Regex VariableExpression();

    [GeneratedRegex(@"variables\('([^']+)'\)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"variables\('([^']+)'\)\.(\w+)")]
    private static partial Regex VariableMember();

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex Guid();
}
