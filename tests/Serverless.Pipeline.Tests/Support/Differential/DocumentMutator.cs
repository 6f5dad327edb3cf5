using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Pipeline.Tests.Support.Differential;

/// <summary>One change made to a valid document.</summary>
/// <param name="Tag">What was done ("maxLength", "format:ipv6", "probe:integer", …).</param>
/// <param name="Location">The subtree the change touched (property names and array indexes from the root).</param>
/// <param name="Expected">The violation the change must cause; null for a probe, whose verdict the reference decides.</param>
internal sealed record Mutation(string Tag, IReadOnlyList<object> Location, ViolationKey? Expected);

/// <summary>
/// Turns a valid document into an invalid one (each mutation breaks exactly one keyword somewhere in the tree, at
/// subtrees that do not overlap so that no mutation hides another), or into a probe (an edge value whose verdict is
/// left to the reference).
/// </summary>
internal sealed class DocumentMutator(DocumentGenerator generator)
{
    private sealed record Site(IReadOnlyList<object> Location, GeneratorSchemaNode Schema, JsonNode? Node)
    {
        public string Path => ViolationPath.Of(Location);

        public JsonValueKind Kind => DocumentGenerator.KindOf(Node);

        /// <summary>Only integers pass its <c>type</c>: 7.5 is a type error there, and bounds move in steps of one.</summary>
        public bool IntegerOnly => Schema.Types is { } types && types.Contains("integer") && !types.Contains("number");
    }

    private sealed record Operation(Site Site, string Tag, Func<Mutation?> Apply);

    private readonly Dictionary<string, int> _probeUses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _probeValues = new(StringComparer.Ordinal);

    private Random Random => generator.Random;

    /// <summary>Applies up to <paramref name="count"/> (at least one) invalidating mutations.</summary>
    public IReadOnlyList<Mutation> Invalidate(JsonObject document, GeneratorSchemaNode schema, int count)
    {
        var operations = Shuffle(Sites(document, schema).SelectMany(s => Invalidating(document, s)).ToList());
        return ApplyDisjoint(operations, count);
    }

    /// <summary>
    /// Applies one probe, and sometimes one invalidating mutation elsewhere. The probes take turns: the kind used least
    /// so far goes first, and each kind walks through its edge values in order, so that every edge value is tried.
    /// </summary>
    public IReadOnlyList<Mutation> Probe(JsonObject document, GeneratorSchemaNode schema)
    {
        var sites = Sites(document, schema);
        var probes = Shuffle(sites.SelectMany(s => Probing(s)).ToList());
        if (probes.Count == 0)
        {
            return [];
        }

        var probe = probes.MinBy(p => _probeUses.GetValueOrDefault(p.Tag))!;
        var uses = _probeUses.GetValueOrDefault(probe.Tag);
        _probeUses[probe.Tag] = uses + 1;
        _probeValues[probe.Tag] = probe.Values.Count;
        Set(document, probe.Site.Location, JsonNode.Parse(probe.Values[uses % probe.Values.Count]));
        var applied = new List<Mutation> { new(probe.Tag, probe.Site.Location, null) };
        if (Random.Next(3) == 0)
        {
            var others = Shuffle(sites.SelectMany(s => Invalidating(document, s)).ToList())
                .Where(o => !Overlaps(o.Site.Location, probe.Site.Location)).ToList();
            applied.AddRange(ApplyDisjoint(others, 1));
        }

        return applied;
    }

    /// <summary>Whether every edge value of every probe kind met so far has been used.</summary>
    public bool EveryProbeValueUsed => _probeValues.All(p => _probeUses.GetValueOrDefault(p.Key) >= p.Value);

    private static List<Mutation> ApplyDisjoint(List<Operation> operations, int count)
    {
        var applied = new List<Mutation>();
        foreach (var operation in operations)
        {
            if (applied.Count >= count)
            {
                break;
            }

            if (applied.Any(m => Overlaps(m.Location, operation.Site.Location)))
            {
                continue;
            }

            if (operation.Apply() is { } mutation)
            {
                applied.Add(mutation);
            }
        }

        return applied;
    }

    private static bool Overlaps(IReadOnlyList<object> a, IReadOnlyList<object> b)
    {
        var shorter = Math.Min(a.Count, b.Count);
        for (var i = 0; i < shorter; i++)
        {
            if (!a[i].Equals(b[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static List<Site> Sites(JsonObject document, GeneratorSchemaNode schema)
    {
        var sites = new List<Site>();
        Walk(document, schema, [], sites);
        return sites;
    }

    private static void Walk(JsonNode? node, GeneratorSchemaNode schema, List<object> location, List<Site> sites)
    {
        sites.Add(new Site(location.ToList(), schema, node));
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (schema.Child(name) is { } child)
                    {
                        Walk(value, child, [.. location, name], sites);
                    }
                }

                break;
            case JsonArray array when schema.Items is { } items:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], items, [.. location, i], sites);
                }

                break;
        }
    }

    private IEnumerable<Operation> Invalidating(JsonObject document, Site site)
    {
        var schema = site.Schema;
        if (schema.Types is not null && site.Location.Count > 0)
        {
            yield return Replace(document, site, "type", "type", WrongType(site));
        }

        if (site.Kind == JsonValueKind.String)
        {
            if (schema.Count("minLength") is > 0 and var min)
            {
                // Half the time of surrogate pairs only: long enough in UTF-16 code units, too short in code points.
                yield return Replace(document, site, "minLength", "minLength", () => JsonValue.Create(generator.RandomString(min - 1, surrogatesOnly: Random.Next(2) == 0)));
            }

            if (schema.Count("maxLength") is { } max)
            {
                yield return Replace(document, site, "maxLength", "maxLength",
                    () => JsonValue.Create(generator.RandomString(max + 1, surrogatesOnly: max <= 64 && Random.Next(2) == 0)));
            }

            if (schema.Text("pattern") is { } pattern && StringSamples.Patterns.TryGetValue(pattern, out var patternSamples))
            {
                yield return Replace(document, site, "pattern", "pattern", () => JsonValue.Create(Pick(patternSamples.Invalid)));
            }

            if (schema.Text("format") is { } format && StringSamples.Formats.TryGetValue(format, out var formatSamples))
            {
                yield return Replace(document, site, "format:" + format, "format", () => JsonValue.Create(Pick(formatSamples.Invalid)));
            }
        }

        if (schema.Get("enum") is { } options && site.Location.Count > 0)
        {
            var members = options.EnumerateArray().Select(o => JsonNode.Parse(o.GetRawText())).ToList();
            yield return Replace(document, site, "enum", "enum", () => NotAmong(members, "\"zz-not-listed\"", "12345", "false", """{"k":"w"}""", "[2,1]", "null", "2.0"));
        }

        if (schema.Get("const") is { } constant && site.Location.Count > 0)
        {
            var value = JsonNode.Parse(constant.GetRawText());
            yield return Replace(document, site, "const", "const", () => NotAmong([value], "\"v2\"", """{"a":[1,2],"b":0}""", "0", "null"));
        }

        if (site.Kind == JsonValueKind.Number)
        {
            foreach (var operation in NumberBounds(document, site))
            {
                yield return operation;
            }
        }

        if (site.Node is JsonObject obj)
        {
            foreach (var operation in ObjectKeywords(site, obj))
            {
                yield return operation;
            }
        }

        if (site.Node is JsonArray array)
        {
            foreach (var operation in ArrayKeywords(site, array))
            {
                yield return operation;
            }
        }
    }

    private IEnumerable<Operation> NumberBounds(JsonObject document, Site site)
    {
        var schema = site.Schema;
        var integerOnly = site.IntegerOnly;
        if (schema.Number("minimum") is { } minimum)
        {
            yield return Replace(document, site, "minimum", "minimum", () => JsonValue.Create(integerOnly ? Math.Ceiling(minimum) - 1 : minimum - 0.5m));
        }

        if (schema.Number("maximum") is { } maximum)
        {
            yield return Replace(document, site, "maximum", "maximum", () => JsonValue.Create(integerOnly ? Math.Floor(maximum) + 1 : maximum + 0.5m));
        }

        if (schema.Number("exclusiveMinimum") is { } exclusiveMinimum && (!integerOnly || exclusiveMinimum == decimal.Truncate(exclusiveMinimum)))
        {
            yield return Replace(document, site, "exclusiveMinimum", "exclusiveMinimum", () => JsonValue.Create(exclusiveMinimum));
        }

        if (schema.Number("exclusiveMaximum") is { } exclusiveMaximum && (!integerOnly || exclusiveMaximum == decimal.Truncate(exclusiveMaximum)))
        {
            yield return Replace(document, site, "exclusiveMaximum", "exclusiveMaximum", () => JsonValue.Create(exclusiveMaximum));
        }

        if (schema.Number("multipleOf") is { } divisor && (!integerOnly || divisor > 1))
        {
            var current = JsonText.NumberValue(site.Node!);
            yield return Replace(document, site, "multipleOf", "multipleOf", () => JsonValue.Create(integerOnly ? current + 1 : current + (divisor / 2)));
        }
    }

    private IEnumerable<Operation> ObjectKeywords(Site site, JsonObject obj)
    {
        var schema = site.Schema;
        foreach (var name in schema.Required.Where(obj.ContainsKey))
        {
            yield return new Operation(site, "required", () =>
            {
                obj.Remove(name);
                return new Mutation("required", site.Location, new ViolationKey(ViolationPath.Property(site.Path, name), "required"));
            });
        }

        var freeNames = DocumentGenerator.ExtraNames.Where(n => !schema.Declares(n) && !obj.ContainsKey(n)).ToList();
        if (schema.ForbidsAdditional && freeNames.Count > 0)
        {
            yield return new Operation(site, "additionalProperties", () =>
            {
                var name = Pick(freeNames);
                obj[name] = generator.RandomJson(3);
                return new Mutation("additionalProperties", site.Location, new ViolationKey(ViolationPath.Property(site.Path, name), "additionalProperties"));
            });
        }

        if (schema.AdditionalSchema is { Types: not null } additional && freeNames.Count > 0)
        {
            yield return new Operation(site, "additionalProperties:schema", () =>
            {
                var name = Pick(freeNames);
                obj[name] = WrongType(new Site([], additional, null))();
                return new Mutation("additionalProperties:schema", site.Location, new ViolationKey(ViolationPath.Property(site.Path, name), "type"));
            });
        }

        if (schema.Count("minProperties") is > 0 and var min)
        {
            var removable = obj.Select(p => p.Key).Where(k => !schema.Required.Contains(k)).ToList();
            if (obj.Count - removable.Count <= min - 1)
            {
                yield return new Operation(site, "minProperties", () =>
                {
                    foreach (var name in Shuffle(removable).Take(obj.Count - (min - 1)))
                    {
                        obj.Remove(name);
                    }

                    return new Mutation("minProperties", site.Location, new ViolationKey(site.Path, "minProperties"));
                });
            }
        }

        if (schema.Count("maxProperties") is { } max)
        {
            var declaredFree = schema.Properties.Where(p => !obj.ContainsKey(p.Name)).ToList();
            var canAdd = declaredFree.Count + (schema.ForbidsAdditional ? 0 : freeNames.Count);
            if (obj.Count + canAdd > max)
            {
                yield return new Operation(site, "maxProperties", () =>
                {
                    foreach (var (name, child) in declaredFree.Take(max + 1 - obj.Count).ToList())
                    {
                        obj[name] = generator.Value(child, 3);
                    }

                    while (obj.Count <= max && generator.AddExtra(schema, obj, 3))
                    {
                    }

                    return new Mutation("maxProperties", site.Location, new ViolationKey(site.Path, "maxProperties"));
                });
            }
        }
    }

    private IEnumerable<Operation> ArrayKeywords(Site site, JsonArray array)
    {
        var schema = site.Schema;
        if (schema.Count("minItems") is > 0 and var min && array.Count >= min)
        {
            yield return new Operation(site, "minItems", () =>
            {
                while (array.Count > min - 1)
                {
                    array.RemoveAt(Random.Next(array.Count));
                }

                return new Mutation("minItems", site.Location, new ViolationKey(site.Path, "minItems"));
            });
        }

        if (schema.Count("maxItems") is { } max)
        {
            yield return new Operation(site, "maxItems", () =>
            {
                while (array.Count <= max)
                {
                    array.Add(schema.Items is { } items ? generator.Value(items, 3) : generator.RandomJson(3));
                }

                return new Mutation("maxItems", site.Location, new ViolationKey(site.Path, "maxItems"));
            });
        }

        if (schema.Flag("uniqueItems") && array.Count > 0)
        {
            yield return new Operation(site, "uniqueItems", () =>
            {
                var copy = array[Random.Next(array.Count)]?.DeepClone();
                if (copy is JsonValue && DocumentGenerator.KindOf(copy) == JsonValueKind.Number && Random.Next(2) == 0)
                {
                    // The same number written differently is still a duplicate (5 and 5.0, 2.5 and 2.50).
                    var text = copy.ToJsonString();
                    copy = text.Contains('e', StringComparison.OrdinalIgnoreCase) ? copy : JsonNode.Parse(text.Contains('.', StringComparison.Ordinal) ? text + "0" : text + ".0");
                }

                array.Insert(Random.Next(array.Count + 1), copy);
                return new Mutation("uniqueItems", site.Location, new ViolationKey(site.Path, "uniqueItems"));
            });
        }
    }

    /// <summary>Edge values for a site, as JSON texts.</summary>
    private sealed record ProbeOperation(Site Site, string Tag, IReadOnlyList<string> Values);

    private static IEnumerable<ProbeOperation> Probing(Site site)
    {
        var schema = site.Schema;
        if (site.Kind == JsonValueKind.String)
        {
            if (schema.Text("format") is { } format && StringSamples.Formats.TryGetValue(format, out var formatSamples) && formatSamples.Probes.Length > 0)
            {
                yield return new ProbeOperation(site, "probe:format:" + format, formatSamples.Probes.Select(JsonText.Quote).ToList());
            }

            if (schema.Text("pattern") is { } pattern && StringSamples.Patterns.TryGetValue(pattern, out var patternSamples) && patternSamples.Probes.Length > 0)
            {
                yield return new ProbeOperation(site, "probe:pattern:" + pattern, patternSamples.Probes.Select(JsonText.Quote).ToList());
            }
        }

        if (site.Location.Count == 0 || site.Kind != JsonValueKind.Number || schema.Has("enum") || schema.Has("const"))
        {
            yield break;
        }

        if (site.IntegerOnly)
        {
            // Integers written in other ways, and numbers beyond double and decimal precision or range.
            yield return new ProbeOperation(site, "probe:integer",
                ["1.0000000000000000001", "-0", "1E2", "100.000", "0.5e1", "9007199254740993.0", "1e400", "-1e400", "1.5e300"]);
        }
        else
        {
            yield return new ProbeOperation(site, "probe:number", ["1e-400", "0.1e1", "-0.0", "1E-2", "0.30000000000000004", "1e400", "12345678901234567890.5"]);
        }
    }

    private Operation Replace(JsonObject document, Site site, string tag, string? keyword, Func<JsonNode?> value) =>
        new(site, tag, () =>
        {
            Set(document, site.Location, value());
            return new Mutation(tag, site.Location, keyword is null ? null : new ViolationKey(site.Path, keyword));
        });

    private static void Set(JsonObject document, IReadOnlyList<object> location, JsonNode? value)
    {
        JsonNode parent = document;
        for (var i = 0; i < location.Count - 1; i++)
        {
            parent = location[i] is int index ? parent[index]! : parent[(string)location[i]]!;
        }

        if (location[^1] is int last)
        {
            parent.AsArray()[last] = value;
        }
        else
        {
            parent.AsObject()[(string)location[^1]] = value;
        }
    }

    private Func<JsonNode?> WrongType(Site site)
    {
        var candidates = new (string Type, string Json)[]
        {
            ("string", "\"wrong\""), ("integer", "7"), ("number", "7.5"), ("number", "-0.5"), ("boolean", "true"),
            ("null", "null"), ("object", """{"k":1}"""), ("array", "[1]"),
        }.Where(c => c.Type == "number" ? site.Schema.Types?.Contains("number") != true : !site.Schema.Allows(c.Type)).ToList();
        return () => JsonNode.Parse(Pick(candidates).Json);
    }

    private JsonNode? NotAmong(List<JsonNode?> members, params string[] candidates)
    {
        var options = candidates.Select(c => JsonNode.Parse(c))
            .Where(o => !members.Any(m => JsonText.SpecEqual(m, o)))
            .ToList();
        return options[Random.Next(options.Count)]?.DeepClone();
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[Random.Next(items.Count)];

    private List<T> Shuffle<T>(List<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = Random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }

        return items;
    }

    public static string Describe(IEnumerable<Mutation> mutations) =>
        string.Join("; ", mutations.Select(m => m.Tag + " at " + ViolationPath.Of(m.Location) + (m.Expected is { } e ? " → " + e : string.Empty)));
}
