using System.Text;
using System.Text.Json;
using Serverless.Pipeline.Tests.Support.Differential;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Tests.Unit.Differential;

/// <summary>
/// The compiled schema plan against the reference validator (JsonSchema.Net 8.0.5, draft-07, formats asserted) on a
/// generated corpus: every shipped schema and the test schemas, valid documents, documents with one or more mutations,
/// edge-value probes and the sample payloads. Each disagreement is listed with the schema, the document and both sets.
/// </summary>
public sealed class CompiledSchemaDifferentialTests
{
    private const int Listed = 20;

    /// <summary>The keywords the compiled plan supports, as the contract lists them.</summary>
    private static readonly string[] SupportedKeywords =
    [
        "type", "required", "minLength", "maxLength", "pattern", "enum", "const", "minimum", "maximum", "exclusiveMinimum",
        "exclusiveMaximum", "multipleOf", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties",
        "additionalProperties", "format",
    ];

    /// <summary>Keywords that structure a schema or annotate it; they have no violations of their own.</summary>
    private static readonly string[] StructuralKeywords = ["$schema", "title", "description", "properties", "items"];

    private static readonly string[] Formats = ["date", "date-time", "time", "email", "uri", "uri-reference", "ipv4", "ipv6", "uuid", "hostname"];

    private sealed record Mismatch(CorpusSchema Schema, CorpusDocument Document, IReadOnlySet<ViolationKey> Actual, string? Error);

    [Fact]
    public void CompiledSchema_GeneratedCorpus_AgreesWithJsonSchemaNet()
    {
        var mismatches = new List<Mismatch>();
        var notCompiled = new List<string>();
        int compared = 0, oracleErrors = 0, deviations = 0;
        foreach (var schema in SchemaCorpus.Schemas)
        {
            if (Compile(schema) is not { } compiled)
            {
                notCompiled.Add(CompileProblem(schema));
                continue;
            }

            foreach (var document in schema.Documents)
            {
                if (document.Oracle.Error is not null)
                {
                    oracleErrors++;
                    continue;
                }

                if (document.Deviation is not null)
                {
                    deviations++;
                    continue;
                }

                compared++;
                var (actual, error) = Validate(compiled, document.Utf8);
                if (error is not null || !actual.SetEquals(document.Oracle.Violations) || (actual.Count == 0) != document.Oracle.IsValid)
                {
                    mismatches.Add(new Mismatch(schema, document, actual, error));
                }
            }
        }

        Assert.True(notCompiled.Count == 0 && mismatches.Count == 0,
            Report(notCompiled, mismatches, compared, oracleErrors, deviations));
    }

    [Fact]
    public void CompiledSchema_EveryCorpusSchema_Compiles()
    {
        var problems = SchemaCorpus.ShippedSchemas().Concat(TestSchemas.All)
            .Select(s =>
            {
                using var document = JsonDocument.Parse(s.Text);
                return CompiledSchema.TryCompile(document.RootElement, out var compiled, out var unsupported) && compiled is not null
                    ? null
                    : $"{s.Name}: TryCompile returned false (unsupported keyword: {unsupported ?? "none given"})";
            })
            .OfType<string>()
            .ToList();

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public async Task GeneratedSchemaCorpus_EverySchemaAndKeyword_HasValidAndInvalidDocuments()
    {
        var problems = new List<string>();
        var registry = await SchemaRegistry.LoadAsync(null, CancellationToken.None);
        var shipped = SchemaCorpus.Schemas.Count(s => s.Shipped);
        if (shipped != registry.All.Count() || shipped == 0)
        {
            problems.Add($"The corpus has {shipped} shipped schemas; the registry loads {registry.All.Count()}.");
        }

        foreach (var schema in SchemaCorpus.Schemas)
        {
            var valid = schema.Documents.Count(d => d.Kind == DocumentKind.Valid);
            var invalid = schema.Documents.Count(d => d.Kind == DocumentKind.Invalid);
            if (valid == 0 || invalid == 0)
            {
                problems.Add($"{schema.Name}: {valid} valid and {invalid} invalid documents.");
            }

            var unknown = schema.Node.KeywordsDeep().Distinct()
                .Where(k => !SupportedKeywords.Contains(k) && !StructuralKeywords.Contains(k) && !k.StartsWith("x-", StringComparison.Ordinal))
                .ToList();
            if (unknown.Count > 0)
            {
                problems.Add($"{schema.Name} uses keywords outside the contract: {string.Join(", ", unknown)}.");
            }

            foreach (var document in schema.Documents)
            {
                problems.AddRange(SanityProblems(schema, document));
            }
        }

        var documents = SchemaCorpus.Schemas.SelectMany(s => s.Documents).ToList();
        foreach (var keyword in SupportedKeywords)
        {
            if (!documents.Any(d => d.Kind == DocumentKind.Valid && d.Oracle.IsValid && d.Exercised.Contains(keyword)))
            {
                problems.Add($"No valid document exercises '{keyword}'.");
            }

            if (!documents.Any(d => d.Kind == DocumentKind.Invalid && d.Oracle.Violations.Any(v => v.Keyword == keyword)))
            {
                problems.Add($"No invalid document violates '{keyword}'.");
            }
        }

        foreach (var format in Formats)
        {
            if (!documents.Any(d => d.Kind == DocumentKind.Valid && d.Oracle.IsValid && d.Exercised.Contains("format:" + format)))
            {
                problems.Add($"No valid document has a '{format}' string.");
            }

            if (!documents.Any(d => d.Kind == DocumentKind.Invalid && d.Mutations.Any(m => m.Tag == "format:" + format)))
            {
                problems.Add($"No invalid document has a bad '{format}' string.");
            }

            if (!documents.Any(d => d.Kind == DocumentKind.Probe && d.Mutations.Any(m => m.Tag == "probe:format:" + format)))
            {
                problems.Add($"No probe has an edge '{format}' string.");
            }
        }

        Assert.True(problems.Count == 0, $"{problems.Count} problem(s) in the corpus:\n" + string.Join('\n', problems.Take(40)));
    }

    [Fact]
    public void JsonSchemaNetOracle_HandWrittenCases_MapsToTheContractPathsAndKeywords()
    {
        var cases = new (string Schema, string Data, string[] Expected)[]
        {
            ("com.example.portal.document_uploaded/1-0-0", """{"case_id":"","document_kind":"selfie","size_bytes":-1,"extra":true}""",
                ["$.data.session_id required", "$.data.case_id minLength", "$.data.document_kind enum", "$.data.size_bytes minimum", "$.data.extra additionalProperties"]),
            ("intake.lead.created/1-1-0", """{"lead_id":"L1","created_at":"2026-11-20T14:03:11Z","contact":{"email":"a@b.co","consent":{"sms":"yes"}}}""",
                ["$.data.contact.consent.sms type"]),
            ("intake.lead.created/1-1-0", """{"lead_id":"L1","contact":{}}""", ["$.data.created_at required", "$.data.contact.email required"]),
            ("intake.lead.created/1-1-0", """{"lead_id":"L1","created_at":"2026-11-20T14:03:11Z","contact":{"email":"a@b.co"},"new_vendor_field":{"x":1}}""", []),
            ("test.names", """{"a b":"x","it's":1,"back\\slash":true,"0":[{"x":""},{}],"":5,"a/b~c":1,"$dollar_ok-1":"s","q'uote\"":1,"new\nline":5}""",
                ["$.data['0'][0].x minLength", "$.data['0'][1].x required", "$.data[''] type", "$.data['a/b~c'] type", "$.data.$dollar_ok-1 type", "$.data['q\\'uote\"'] type", "$.data['new\nline'] type"]),
            ("test.names", """{"a b":"x","it's":1.5,"back\\slash":true,"0":[],"level1":{"level2":{"level3":{"value":-1,"zz":1}}}}""",
                ["$.data['it\\'s'] type", "$.data.level1.level2.level3.value minimum", "$.data.level1.level2.level3.zz additionalProperties"]),
            ("test.names", """{"a b":"x","it's":1,"0":[]}""", ["$.data['back\\\\slash'] required"]),
            ("test.collections", """{"tags":["a","a",5],"matrix":[[1,2],[1]],"people":[{"age":200}],"labels":{"k":"123456789"},"settings":{"on":"yes","mode":"c"}}""",
                ["$.data.tags uniqueItems", "$.data.tags[2] type", "$.data.matrix[1] minItems", "$.data.people[0].name required", "$.data.people[0].age maximum",
                 "$.data.labels.k maxLength", "$.data.settings.on type", "$.data.settings.mode enum"]),
            ("test.numbers", """{"count":1.0,"ratio":1,"step":7,"price":0.005,"maybe":null,"either":"toolong"}""",
                ["$.data.ratio exclusiveMaximum", "$.data.step multipleOf", "$.data.price multipleOf", "$.data.either maxLength"]),
            ("test.formats", """{"date":"2026-02-30","dateTime":"2026-11-21T10:00:00Z","email":"nope","untypedDate":5}""", ["$.data.date format", "$.data.email format"]),
            ("test.strings", """{"code":"ABC-12","label":"ok","kind":7,"status":1,"version":"v2","pair":{"b":null,"a":[1,2.0]}}""",
                ["$.data.kind enum", "$.data.status type", "$.data.status enum", "$.data.version const"]),
        };

        var schemas = SchemaCorpus.ShippedSchemas().Concat(TestSchemas.All).ToDictionary(s => s.Name, s => s.Text, StringComparer.Ordinal);
        var failures = new List<string>();
        foreach (var (schema, data, expected) in cases)
        {
            var verdict = new JsonSchemaNetOracle(schemas[schema]).Evaluate(Encoding.UTF8.GetBytes(data));
            var wanted = expected.Select(e => new ViolationKey(e[..e.LastIndexOf(' ')], e[(e.LastIndexOf(' ') + 1)..])).ToHashSet();
            if (verdict.Error is not null || !verdict.Violations.SetEquals(wanted) || verdict.IsValid != (wanted.Count == 0))
            {
                failures.Add($"{schema} {data}\n  expected: {Format(wanted)}\n  oracle:   {Format(verdict.Violations)} {verdict.Error}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void JsonSchemaNetOracle_KnownDeviations_DepartFromTheSpecification()
    {
        var oracle = new JsonSchemaNetOracle(KnownOracleDeviations.DeviationSchema);
        var schema = new GeneratorSchemaNode(JsonDocument.Parse(KnownOracleDeviations.DeviationSchema).RootElement);

        var notDeviating = KnownOracleDeviations.Cases
            .Where(c => oracle.Evaluate(Encoding.UTF8.GetBytes(c.Data)).Violations.SetEquals(c.Specified)
                || KnownOracleDeviations.Find(schema, System.Text.Json.Nodes.JsonNode.Parse(c.Data)) is null)
            .Select(c => c.Why)
            .ToList();

        Assert.True(notDeviating.Count == 0, "JsonSchema.Net agrees with the specification here, or the detector misses it: " + string.Join("; ", notDeviating));
    }

    [Fact]
    public void CompiledSchema_KnownOracleDeviations_FollowTheSpecification()
    {
        using var document = JsonDocument.Parse(KnownOracleDeviations.DeviationSchema);
        Assert.True(CompiledSchema.TryCompile(document.RootElement, out var compiled, out var unsupported), $"unsupported: {unsupported}");

        var failures = new List<string>();
        foreach (var (why, data, specified) in KnownOracleDeviations.Cases)
        {
            var (actual, error) = Validate(compiled!, Encoding.UTF8.GetBytes(data));
            if (error is not null || !actual.SetEquals(specified))
            {
                failures.Add($"{why}: {data}\n  specification: {Format(specified)}\n  CompiledSchema: {Format(actual)} {error}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private static IEnumerable<string> SanityProblems(CorpusSchema schema, CorpusDocument document)
    {
        var where = $"{schema.Name} {document.Label}: {Truncate(document.Text, 400)}";
        if (document.Kind is DocumentKind.Valid or DocumentKind.Invalid or DocumentKind.Sample && document.Oracle.Error is not null)
        {
            yield return $"{where}\n  JsonSchema.Net could not evaluate it: {document.Oracle.Error}";
            yield break;
        }

        if (document.Kind is DocumentKind.Valid or DocumentKind.Invalid && document.Deviation is not null)
        {
            yield return $"{where}\n  reaches a known deviation of the reference ({document.Deviation}); the generator should not make such documents";
        }

        if (document.Kind == DocumentKind.Valid && !document.Oracle.IsValid)
        {
            yield return $"{where}\n  generated as valid, but JsonSchema.Net finds {Format(document.Oracle.Violations)}";
        }

        if (document.Kind == DocumentKind.Invalid)
        {
            if (document.Oracle.IsValid)
            {
                yield return $"{where}\n  generated as invalid, but JsonSchema.Net finds it valid";
            }

            foreach (var mutation in document.Mutations.Where(m => m.Expected is { } e && !document.Oracle.Violations.Contains(e)))
            {
                yield return $"{where}\n  the mutation '{mutation.Tag}' should give {mutation.Expected}; JsonSchema.Net finds {Format(document.Oracle.Violations)}";
            }
        }
    }

    private static CompiledSchema? Compile(CorpusSchema schema) =>
        CompiledSchema.TryCompile(schema.Root, out var compiled, out _) ? compiled : null;

    private static string CompileProblem(CorpusSchema schema)
    {
        CompiledSchema.TryCompile(schema.Root, out _, out var unsupported);
        return $"{schema.Name}: TryCompile returned false (unsupported keyword: {unsupported ?? "none given"}); its {schema.Documents.Count} documents were not compared.";
    }

    private static (HashSet<ViolationKey> Actual, string? Error) Validate(CompiledSchema compiled, byte[] utf8)
    {
        try
        {
            return (compiled.Validate(utf8).Select(v => new ViolationKey(v.Path, v.Keyword)).ToHashSet(), null);
        }
        catch (Exception ex)
        {
            return ([], "THREW " + ex.GetType().Name + ": " + ex.Message);
        }
    }

    private static string Report(List<string> notCompiled, List<Mismatch> mismatches, int compared, int oracleErrors, int deviations)
    {
        var report = new StringBuilder();
        report.Append($"{mismatches.Count} of {compared} documents disagree with JsonSchema.Net");
        report.AppendLine($" ({oracleErrors} left out because JsonSchema.Net threw on them, {deviations} because they reach a known deviation of JsonSchema.Net).");
        foreach (var problem in notCompiled)
        {
            report.AppendLine(problem);
        }

        if (mismatches.Count > 0)
        {
            report.AppendLine("By schema: " + string.Join(", ", mismatches.GroupBy(m => m.Schema.Name).Select(g => $"{g.Key} ×{g.Count()}")));
            report.AppendLine("By kind: " + string.Join(", ", mismatches.GroupBy(m => m.Document.Kind).Select(g => $"{g.Key} ×{g.Count()}")));
            var onlyOracle = mismatches.SelectMany(m => m.Document.Oracle.Violations.Except(m.Actual)).GroupBy(v => v.Keyword);
            var onlyPlan = mismatches.SelectMany(m => m.Actual.Except(m.Document.Oracle.Violations)).GroupBy(v => v.Keyword);
            report.AppendLine("Violations only JsonSchema.Net reports, by keyword: " + string.Join(", ", onlyOracle.Select(g => $"{g.Key} ×{g.Count()}")));
            report.AppendLine("Violations only CompiledSchema reports, by keyword: " + string.Join(", ", onlyPlan.Select(g => $"{g.Key} ×{g.Count()}")));
            report.AppendLine($"{Signatures(mismatches).Count()} distinct kinds of disagreement (schema, keywords only one side reports); "
                + $"{Math.Min(Listed, mismatches.Count)} listed, one per kind first:");
        }

        var listed = Listing(mismatches).Take(Listed).ToList();
        foreach (var mismatch in listed)
        {
            var oracle = mismatch.Document.Oracle;
            report.AppendLine();
            report.AppendLine($"--- {mismatch.Schema.Name} | {mismatch.Document.Kind} | {mismatch.Document.Label}");
            report.AppendLine("document:       " + JsonText.Printable(mismatch.Document.Utf8, 2000));
            report.AppendLine($"JsonSchema.Net: {(oracle.IsValid ? "valid" : "invalid")} {Format(oracle.Violations)}");
            report.AppendLine($"CompiledSchema: {(mismatch.Actual.Count == 0 && mismatch.Error is null ? "valid" : "invalid")} {Format(mismatch.Actual)} {mismatch.Error}");
            report.AppendLine("only JsonSchema.Net: " + Format(oracle.Violations.Except(mismatch.Actual)));
            report.AppendLine("only CompiledSchema: " + Format(mismatch.Actual.Except(oracle.Violations)));
        }

        foreach (var schema in listed.Select(m => m.Schema).Distinct())
        {
            report.AppendLine();
            report.AppendLine($"=== schema {schema.Name}:");
            report.AppendLine(schema.Text);
        }

        return report.ToString();
    }

    /// <summary>What kind of disagreement a mismatch is: the schema and the keywords that only one side reports.</summary>
    private static string Signature(Mismatch mismatch) =>
        mismatch.Schema.Name + " | only JsonSchema.Net: " + string.Join(",", mismatch.Document.Oracle.Violations.Except(mismatch.Actual).Select(v => v.Keyword).Distinct().Order())
        + " | only CompiledSchema: " + string.Join(",", mismatch.Actual.Except(mismatch.Document.Oracle.Violations).Select(v => v.Keyword).Distinct().Order())
        + (mismatch.Error is null ? string.Empty : " | threw");

    private static IEnumerable<IGrouping<string, Mismatch>> Signatures(List<Mismatch> mismatches) => mismatches.GroupBy(Signature);

    /// <summary>The mismatches in an order that shows every kind of disagreement before a second of any kind.</summary>
    private static IEnumerable<Mismatch> Listing(List<Mismatch> mismatches)
    {
        var groups = Signatures(mismatches).Select(g => g.ToList()).ToList();
        for (var round = 0; groups.Any(g => g.Count > round); round++)
        {
            foreach (var group in groups.Where(g => g.Count > round))
            {
                yield return group[round];
            }
        }
    }

    private static string Format(IEnumerable<ViolationKey> violations)
    {
        var sorted = violations.Order().ToList();
        return sorted.Count == 0 ? "{}" : "{ " + string.Join(", ", sorted) + " }";
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + $"…({text.Length} chars)";
}
