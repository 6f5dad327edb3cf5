using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Tests.Support.Differential;

internal enum DocumentKind
{
    /// <summary>Built from the schema: valid by construction (the sanity test checks the reference agrees).</summary>
    Valid,

    /// <summary>A valid document with one or more mutations, each of which must be reported.</summary>
    Invalid,

    /// <summary>An edge value (format corner cases, unusual number texts); the reference decides.</summary>
    Probe,

    /// <summary>A payload the other tests use (the fixtures and inline samples); the reference decides.</summary>
    Sample,
}

internal sealed record CorpusDocument(
    string Schema, DocumentKind Kind, string Label, byte[] Utf8, IReadOnlyList<Mutation> Mutations, IReadOnlySet<string> Exercised)
{
    /// <summary>What JsonSchema.Net says, computed once when the corpus is built.</summary>
    public required OracleVerdict Oracle { get; init; }

    /// <summary>Set when the document reaches a <see cref="KnownOracleDeviations">known deviation</see> of the reference.</summary>
    public string? Deviation { get; init; }

    public string Text => Encoding.UTF8.GetString(Utf8);
}

internal sealed record CorpusSchema(string Name, string Text, bool Shipped, JsonElement Root, IReadOnlyList<CorpusDocument> Documents)
{
    public GeneratorSchemaNode Node => new(Root);
}

/// <summary>
/// The generated differential corpus, built once per test run: every schema shipped in the pipeline plus
/// <see cref="TestSchemas"/>, each with generated valid, invalid and probe documents (deterministic: seeded by the
/// schema's name), and the sample payloads the other tests use.
/// </summary>
internal static class SchemaCorpus
{
    public const int ValidPerSchema = 100;
    public const int InvalidPerSchema = 160;
    public const int ProbesPerSchema = 40;

    private const string ResourcePrefix = "schema:";

    private static readonly Lazy<IReadOnlyList<CorpusSchema>> Built = new(Build);

    public static IReadOnlyList<CorpusSchema> Schemas => Built.Value;

    /// <summary>The schemas embedded in the pipeline, as "{event type}/{version}" and their text.</summary>
    public static IReadOnlyList<(string Name, string Text)> ShippedSchemas()
    {
        var assembly = typeof(SchemaRegistry).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                var name = n[ResourcePrefix.Length..].Replace('\\', '/');
                return (name[..^".json".Length], reader.ReadToEnd());
            })
            .ToList();
    }

    private static IReadOnlyList<CorpusSchema> Build()
    {
        var samples = Samples();
        var schemas = ShippedSchemas().Select(s => (s.Name, s.Text, Shipped: true))
            .Concat(TestSchemas.All.Select(s => (s.Name, s.Text, Shipped: false)));
        return schemas.Select(s => BuildSchema(s.Name, s.Text, s.Shipped, samples)).ToList();
    }

    private static CorpusSchema BuildSchema(string name, string text, bool shipped, IReadOnlyList<(string Type, string Label, string Data)> samples)
    {
        using var parsed = JsonDocument.Parse(text);
        var root = parsed.RootElement.Clone();
        var node = new GeneratorSchemaNode(root);
        var oracle = new JsonSchemaNetOracle(text);
        var random = new Random(Seed(name));
        var generator = new DocumentGenerator(random);
        var mutator = new DocumentMutator(generator);
        var documents = new List<CorpusDocument>();

        CorpusDocument Make(DocumentKind kind, string label, JsonObject data, IReadOnlyList<Mutation> mutations, IReadOnlySet<string> exercised)
        {
            var utf8 = Encoding.UTF8.GetBytes(JsonText.Write(data, (JsonStyle)random.Next(4), random));
            return new CorpusDocument(name, kind, label, utf8, mutations, exercised)
            {
                Oracle = oracle.Evaluate(utf8),
                Deviation = KnownOracleDeviations.Find(node, data),
            };
        }

        for (var i = 0; i < ValidPerSchema; i++)
        {
            generator.Exercised.Clear();
            var data = (JsonObject)generator.Value(node)!;
            documents.Add(Make(DocumentKind.Valid, $"valid #{i}", data, [], generator.Exercised.ToHashSet(StringComparer.Ordinal)));
        }

        for (var i = 0; i < InvalidPerSchema; i++)
        {
            var data = (JsonObject)generator.Value(node)!;
            var mutations = mutator.Invalidate(data, node, random.Next(3) == 0 ? 2 + random.Next(2) : 1);
            if (mutations.Count == 0)
            {
                throw new InvalidOperationException($"Schema {name}: no mutation applies to {data.ToJsonString()}.");
            }

            documents.Add(Make(DocumentKind.Invalid, $"invalid #{i}: {DocumentMutator.Describe(mutations)}", data, mutations, new HashSet<string>()));
        }

        // At least ProbesPerSchema probes, and more until every edge value has been used (bounded).
        for (var i = 0; i < ProbesPerSchema * 5 && (i < ProbesPerSchema || !mutator.EveryProbeValueUsed); i++)
        {
            var data = (JsonObject)generator.Value(node)!;
            var mutations = mutator.Probe(data, node);
            if (mutations.Count > 0)
            {
                documents.Add(Make(DocumentKind.Probe, $"probe #{i}: {DocumentMutator.Describe(mutations)}", data, mutations, new HashSet<string>()));
            }
        }

        var eventType = name.Split('/')[0];
        foreach (var sample in samples.Where(s => s.Type == eventType))
        {
            var utf8 = Encoding.UTF8.GetBytes(sample.Data);
            documents.Add(new CorpusDocument(name, DocumentKind.Sample, sample.Label, utf8, [], new HashSet<string>())
            {
                Oracle = oracle.Evaluate(utf8),
                Deviation = KnownOracleDeviations.Find(node, JsonNode.Parse(sample.Data)),
            });
        }

        return new CorpusSchema(name, text, shipped, root, documents);
    }

    /// <summary>A seed from the name (string.GetHashCode differs between runs).</summary>
    private static int Seed(string name)
    {
        var hash = 2166136261u;
        foreach (var c in name)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash & 0x7FFFFFFF);
    }

    /// <summary>The data of every sample payload the other tests use, with the event type it is for.</summary>
    private static IReadOnlyList<(string Type, string Label, string Data)> Samples()
    {
        var envelopes = new List<(string Label, byte[] Body)>
        {
            ("TestEvents.IntakeLead (fixtures/samples/intake-lead.json)", TestEvents.IntakeLead()),
            ("TestEvents.CrmContactUpdated (fixtures/samples/crm-contact-updated.json)", TestEvents.CrmContactUpdated()),
            ("TestEvents.FormSubmission (fixtures/samples/form-submission.urlencoded)", TestEvents.FormSubmission()),
            ("TestEvents.PageViewed", TestEvents.PageViewed("sample-1", "customer/C-1")),
        };
        envelopes.AddRange(TestEvents.AppActivity().Select((body, i) => ($"TestEvents.AppActivity()[{i}] (fixtures/samples/app-activity.cloudevents-batch.json)", body)));

        var samples = envelopes.Select(e =>
        {
            using var envelope = JsonDocument.Parse(e.Body);
            return (envelope.RootElement.GetProperty("type").GetString()!, e.Label, envelope.RootElement.GetProperty("data").GetRawText());
        }).ToList();

        // The inline payloads of SchemaValidatorTests.
        samples.Add(("com.example.portal.document_uploaded", "SchemaValidatorTests: several problems",
            """{"case_id":"","document_kind":"selfie","size_bytes":-1,"extra":true}"""));
        samples.Add(("intake.lead.created", "SchemaValidatorTests: wrong type in a nested object",
            """{"lead_id":"L1","created_at":"2026-11-20T14:03:11Z","contact":{"email":"a@b.co","consent":{"sms":"yes"}}}"""));
        samples.Add(("intake.lead.created", "SchemaValidatorTests: third-party extra fields",
            """{"lead_id":"L1","created_at":"2026-11-20T14:03:11Z","contact":{"email":"a@b.co"},"new_vendor_field":{"x":1}}"""));
        return samples;
    }
}
