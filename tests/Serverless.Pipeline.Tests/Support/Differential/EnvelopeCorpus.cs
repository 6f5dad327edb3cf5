using System.Text;
using System.Text.Json.Nodes;

namespace Serverless.Pipeline.Tests.Support.Differential;

/// <summary>One body for the envelope comparison.</summary>
/// <param name="Deliberate">The <see cref="KnownDeliberateDifferences"/> it reaches, or null when parser and reference must agree.</param>
/// <param name="Single">True when the case is one catalogue mutation applied alone to a valid envelope.</param>
internal sealed record EnvelopeCase(string Label, byte[] Body, string? Deliberate, bool Single);

/// <summary>
/// Structured-mode CloudEvents bodies, generated from a seed: valid envelopes with random attribute values, member
/// order, whitespace and escaping, each catalogue mutation alone, and random combinations of them.
/// </summary>
internal static class EnvelopeCorpus
{
    public const int RandomCases = 500;
    public const int Seed = 1_000_003;

    /// <summary>The fallback time handed to both parsers: not UTC, so that its conversion is compared too.</summary>
    public static readonly DateTimeOffset FallbackTime = new(2026, 11, 21, 12, 30, 0, TimeSpan.FromHours(2));

    private static readonly Lazy<IReadOnlyList<EnvelopeCase>> Built = new(Build);

    public static IReadOnlyList<EnvelopeCase> Cases => Built.Value;

    private sealed record EnvelopeMutation(string Name, string[] Targets, Action<EnvelopeDraft, Random> Apply, string? Deliberate = null);

    /// <summary>An envelope being built: its members as JSON name and value texts (duplicates allowed), and a last byte-level change.</summary>
    private sealed class EnvelopeDraft(Random random)
    {
        public List<(string Name, string Value)> Members { get; } = [];

        public Func<byte[], byte[]> Bytes { get; set; } = b => b;

        public bool Spaced { get; set; }

        public void Set(string name, string json) => SetRaw(JsonText.Quote(name), json);

        public void SetRaw(string nameToken, string json)
        {
            var index = Members.FindIndex(m => m.Name == nameToken);
            if (index >= 0)
            {
                Members[index] = (nameToken, json);
            }
            else
            {
                Add(nameToken, json);
            }
        }

        public void Add(string nameToken, string json) => Members.Insert(random.Next(Members.Count + 1), (nameToken, json));

        public void Remove(string name) => Members.RemoveAll(m => m.Name == JsonText.Quote(name));

        public string? Get(string name) => Members.FirstOrDefault(m => m.Name == JsonText.Quote(name)).Value;

        public void Rename(string name, string nameToken)
        {
            var index = Members.FindIndex(m => m.Name == JsonText.Quote(name));
            if (index >= 0)
            {
                Members[index] = (nameToken, Members[index].Value);
            }
        }

        public string Text()
        {
            string Space() => Spaced ? new[] { "", " ", "\n  ", "\t", "\r\n" }[random.Next(5)] : string.Empty;
            return "{" + string.Join(",", Members.Select(m => Space() + m.Name + Space() + ":" + Space() + m.Value + Space())) + "}";
        }

        public byte[] Build() => Bytes(Encoding.UTF8.GetBytes(Text()));
    }

    private static string J(string value) => JsonText.Quote(value);

    /// <summary>A JSON string literal whose content is written as is (escapes included): <c>E(@"c\u0001")</c>.</summary>
    private static string E(string escapedContent) => "\"" + escapedContent + "\"";

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static byte[] Replace(byte[] body, string marker, byte[] replacement)
    {
        var text = Encoding.UTF8.GetString(body);
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        var before = Encoding.UTF8.GetBytes(text[..at]);
        var after = Encoding.UTF8.GetBytes(text[(at + marker.Length)..]);
        return Concat(before, replacement, after);
    }

    private static IReadOnlyList<EnvelopeCase> Build()
    {
        var random = new Random(Seed);
        var catalogue = Catalogue();
        var cases = new List<EnvelopeCase>();

        foreach (var mutation in catalogue)
        {
            var draft = Base(random);
            mutation.Apply(draft, random);
            cases.Add(new EnvelopeCase(mutation.Name, draft.Build(), mutation.Deliberate, Single: true));
        }

        for (var i = 0; i < RandomCases; i++)
        {
            var draft = Base(random);
            var applied = new List<EnvelopeMutation>();
            var wanted = random.Next(100) < 35 ? 0 : 1 + random.Next(2);
            for (var attempts = 0; applied.Count < wanted && attempts < 20; attempts++)
            {
                var candidate = catalogue[random.Next(catalogue.Count)];
                var targets = applied.SelectMany(a => a.Targets).ToHashSet(StringComparer.Ordinal);
                if (candidate.Targets.Any(targets.Contains) || (targets.Contains("body") && candidate.Targets.Contains("body")))
                {
                    continue;
                }

                applied.Add(candidate);
            }

            // Byte-level changes go last: they work on the finished text.
            foreach (var mutation in applied.OrderBy(a => a.Targets.Contains("body") ? 1 : 0))
            {
                mutation.Apply(draft, random);
            }

            var deliberate = applied.Select(a => a.Deliberate).FirstOrDefault(d => d is not null);
            var label = applied.Count == 0 ? $"random #{i}: valid" : $"random #{i}: " + string.Join(" + ", applied.Select(a => a.Name));
            cases.Add(new EnvelopeCase(label, draft.Build(), deliberate, Single: false));
        }

        var samples = new List<(string, byte[])>
        {
            ("TestEvents.IntakeLead", TestEvents.IntakeLead()),
            ("TestEvents.CrmContactUpdated", TestEvents.CrmContactUpdated()),
            ("TestEvents.FormSubmission", TestEvents.FormSubmission()),
            ("TestEvents.PageViewed", TestEvents.PageViewed("p-1", "customer/C-1")),
        };
        samples.AddRange(TestEvents.AppActivity().Select((body, i) => ($"TestEvents.AppActivity()[{i}]", body)));
        cases.AddRange(samples.Select(s => new EnvelopeCase("sample " + s.Item1, s.Item2, null, Single: false)));
        return cases;
    }

    private static readonly string[] Ids = ["evt-1", "a1b2c3d4-0001", "7c1e9a52-33f0-4d7e-9a0b-5b4f2f0c9d11", "\u0438\u0434-1", "\U0001F600", " ", "id with spaces", "\"quoted\"", "a\\b", "x"];
    private static readonly string[] Sources = ["app://client-portal", "https://example.com/src", "/relative/path", "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66", "test://suite", "#frag", "//host", "mailto:a@b.co", "s"];
    private static readonly string[] Types = ["intake.lead.created", "crm.contact.updated", "com.example.portal.page_viewed", "forms.submission.created", "\u00FCn\u00EF.type", "t"];
    private static readonly string[] Subjects = ["customer/C-99812", " padded ", "\u00FC/\u00DF", "lead/LR-1", "\U0001F600", "a\u2028b", "x"];
    private static readonly string[] Tenants = ["acme-law", "a", "0", "t-1", new string('x', 63), "9-lives"];
    private static readonly string[] Times =
    [
        "2026-11-21T10:00:00Z", "2026-11-21T10:00:00.1Z", "2026-11-21T10:00:00.12Z", "2026-11-21T10:00:00.123Z", "2026-11-21T10:00:00.1234567Z",
        "2026-11-21T10:00:00.12345678Z", "2026-11-21T10:00:00.123456789Z", "2026-11-21T10:00:00+05:30", "2026-11-21T10:00:00.5-08:00",
        "2026-11-21T10:00:00+14:00", "2026-11-21T10:00:00-14:00", "2026-11-21T10:00:00-00:00", "2026-11-21T10:00:00+00:00", "2024-02-29T23:59:59Z",
    ];
    private static readonly string[] ContentTypes = ["application/json", "application/json; charset=utf-8", "text/json", "application/vnd.example+json", "application/cloudevents+json"];
    private static readonly string[] DataSchemas = ["https://schemas.example.com/intake.lead.created/1-0-0", "urn:schema:1-1-0", "https://x.example/s/1-0-0.json"];

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static string RandomString(Random random, string value) => random.Next(4) == 0 ? JsonText.QuoteAscii(value) : J(value);

    private static EnvelopeDraft Base(Random random)
    {
        var draft = new EnvelopeDraft(random) { Spaced = random.Next(4) == 0 };
        draft.Set("specversion", J("1.0"));
        draft.Set("id", RandomString(random, Pick(random, Ids)));
        draft.Set("source", RandomString(random, Pick(random, Sources)));
        draft.Set("type", RandomString(random, Pick(random, Types)));
        draft.Set("subject", RandomString(random, Pick(random, Subjects)));
        draft.Set("tenant", J(Pick(random, Tenants)));
        if (random.Next(5) > 0)
        {
            draft.Set("time", J(Pick(random, Times)));
        }

        if (random.Next(5) < 3)
        {
            draft.Set("datacontenttype", J(Pick(random, ContentTypes)));
        }

        if (random.Next(10) < 3)
        {
            draft.Set("dataschema", J(Pick(random, DataSchemas)));
        }

        if (random.Next(10) < 3)
        {
            draft.Set("traceparent", J(random.Next(4) == 0 ? "not-a-traceparent" : $"00-{random.Next():x8}{random.Next():x8}{random.Next():x8}{random.Next():x8}-{random.Next():x8}{random.Next():x8}-01"));
        }

        for (var i = random.Next(10) < 3 ? 1 + random.Next(2) : 0; i > 0; i--)
        {
            draft.Set("ext" + i, Pick(random, [J("v"), "7", "true", "null", "-2147483648"]));
        }

        draft.Set("data", Data(random));
        return draft;
    }

    private static string Data(Random random)
    {
        var generator = new DocumentGenerator(random);
        var data = new JsonObject();
        for (var i = random.Next(6); i > 0; i--)
        {
            var name = Pick(random, DocumentGenerator.ExtraNames);
            if (!data.ContainsKey(name))
            {
                data[name] = generator.RandomJson(1);
            }
        }

        return JsonText.Write(data, (JsonStyle)random.Next(4), random);
    }

    private static EnvelopeMutation Set(string name, string json, string? deliberate = null) =>
        new($"{name} = {json}", [name], (d, _) => d.Set(name, json), deliberate);

    private static EnvelopeMutation Missing(string name) => new($"{name} missing", [name], (d, _) => d.Remove(name));

    private static EnvelopeMutation Body(string name, Func<byte[], Random, byte[]> change) =>
        new(name, ["body"], (d, r) => d.Bytes = b => change(b, r));

    /// <summary>A byte sequence that is not UTF-8, placed inside the value of <paramref name="member"/>.</summary>
    private static EnvelopeMutation NotUtf8(string member, string valueWithMarker, byte[] bytes, string what) =>
        new($"not UTF-8 ({what}) in {member}", [member, "body"], (d, _) =>
        {
            d.Set(member, valueWithMarker);
            d.Bytes = b => Replace(b, "@@BAD@@", bytes);
        });

    private static EnvelopeMutation Duplicate(string name, string? value = null) =>
        new($"duplicate {name}" + (value is null ? " (same value)" : " = " + value), [name], (d, _) =>
        {
            if (d.Get(name) is not { } existing)
            {
                existing = name == "time" ? J("2026-11-21T10:00:00Z") : J("x");
                d.Set(name, existing);
            }

            d.Add(JsonText.Quote(name), value ?? existing);
        }, KnownDeliberateDifferences.DuplicateNames);

    private static List<EnvelopeMutation> Catalogue()
    {
        var list = new List<EnvelopeMutation>
        {
            // specversion
            Missing("specversion"), Set("specversion", J("0.3")), Set("specversion", J("1.0 ")), Set("specversion", J(" 1.0")), Set("specversion", J("1")),
            Set("specversion", J("1.0.0")), Set("specversion", "1.0"), Set("specversion", "null"), Set("specversion", J("2.0")), Set("specversion", J("")),

            // id
            Missing("id"), Set("id", J("")), Set("id", "1"), Set("id", "null"), Set("id", "true"), Set("id", "{}"), Set("id", "[]"), Set("id", J("  ")),
            Set("id", J(new string('\u00E9', 300))), Set("id", E(@"c\u0001")), Set("id", E(@"\ud800")), Set("id", E(@"\udc00x")), Set("id", E(@"\ud83d\ude00")),
            Set("id", E(@"a\uffff")), Set("id", E(@"\u007f")), Set("id", E(@"\u0085")),

            // source
            Missing("source"), Set("source", J("")), Set("source", "1"), Set("source", "null"), Set("source", J("http://[bad")), Set("source", J("http://e.com:99999/")),
            Set("source", J("/x")), Set("source", J("#frag")), Set("source", J("urn:x")), Set("source", J("//host")), Set("source", J("a:b:c")), Set("source", J(":x")),
            Set("source", J("http://user@[::1]/")), Set("source", E(@"s\ud800")),
            Set("source", J("a b")),
            Set("source", J(" s")),
            Set("source", J("%zz")),
            Set("source", J("\u00FCn\u00EF")),
            Set("source", J("a\\b")),
            Set("source", J("http://e.com/a b")),

            // type
            Missing("type"), Set("type", J("")), Set("type", "2"), Set("type", "null"), Set("type", E(@"t\u0001")), Set("type", J(" ")),

            // subject
            Missing("subject"), Set("subject", J("")), Set("subject", J("   ")), Set("subject", E(@"\t")), Set("subject", E(@"\u00a0")), Set("subject", E(@"\ufeff")),
            Set("subject", "null"), Set("subject", "5"), Set("subject", J(" padded ")), Set("subject", E(@"c\ud800")), Set("subject", E(@"\u2028")),
            new("subject with a raw control character", ["subject"], (d, _) => d.Set("subject", "\"c\u0001\"")),

            // tenant
            Missing("tenant"), Set("tenant", J("")), Set("tenant", J("  ")), Set("tenant", J("Acme Law!")), Set("tenant", J("UPPER")), Set("tenant", J("-lead")),
            Set("tenant", J(new string('a', 64))), Set("tenant", J(new string('a', 63))), Set("tenant", J("a")), Set("tenant", "1.5"), Set("tenant", "null"),
            Set("tenant", "{}"), Set("tenant", "[]"), Set("tenant", E(@"acme\ud800")), Set("tenant", J("acme-law\n")), Set("tenant", J(" acme-law")),
            Set("tenant", "true", KnownDeliberateDifferences.StringExtensionNotString),
            Set("tenant", "false", KnownDeliberateDifferences.StringExtensionNotString),
            Set("tenant", "1", KnownDeliberateDifferences.StringExtensionNotString),

            // time
            Missing("time"), Set("time", "null"), Set("time", "1"), Set("time", J("")),
            Set("time", J("2026-11-21T10:00:00.Z"), KnownDeliberateDifferences.TimeFractionWithoutDigits),
            Set("time", J("2026-11-21T10:00:00.+01:00"), KnownDeliberateDifferences.TimeFractionWithoutDigits),

            // dataschema
            Set("dataschema", J("x")), Set("dataschema", J("/x")), Set("dataschema", J("")), Set("dataschema", J("http://e.com/s/1-0-0")), Set("dataschema", J("urn:x")),
            Set("dataschema", J("C:/x")), Set("dataschema", J("file:///x")), Set("dataschema", "null"), Set("dataschema", "5"), Set("dataschema", J("http:")),
            Set("dataschema", J("a:b")), Set("dataschema", J("http://e.com/s#frag")),
            Set("dataschema", J("http://e.com/a b")),
            Set("dataschema", J("http://e.com/\u00FC")),
            Set("dataschema", J("http://e.com/%zz")),
            Set("dataschema", J(" http://e.com/")),

            // datacontenttype
            Set("datacontenttype", J("application/json")), Set("datacontenttype", J("text/plain")), Set("datacontenttype", J("invalid")), Set("datacontenttype", J("")),
            Set("datacontenttype", J("APPLICATION/JSON")), Set("datacontenttype", J("application/json;")), Set("datacontenttype", J("application/xml")),
            Set("datacontenttype", "null"), Set("datacontenttype", "1"), Set("datacontenttype", J("text/json")), Set("datacontenttype", J(" application/json")),
            Set("datacontenttype", J("application/json ")), Set("datacontenttype", J("*/*")), Set("datacontenttype", J("application/json; charset")),
            Set("datacontenttype", J("Application/Vnd.X+JSON")),
            new("text/plain with string data", ["datacontenttype", "data"], (d, _) => { d.Set("datacontenttype", J("text/plain")); d.Set("data", J("hi")); }),
            new("application/xml with string data", ["datacontenttype", "data"], (d, _) => { d.Set("datacontenttype", J("application/xml")); d.Set("data", J("<a/>")); }),
            new("text/plain with no data", ["datacontenttype", "data"], (d, _) => { d.Set("datacontenttype", J("text/plain")); d.Remove("data"); }),
            new("text/plain with null data", ["datacontenttype", "data"], (d, _) => { d.Set("datacontenttype", J("text/plain")); d.Set("data", "null"); }),

            // data
            Missing("data"), Set("data", "null"), Set("data", J("string")), Set("data", "[1,2]"), Set("data", "5"), Set("data", "true"), Set("data", "{}"),
            Set("data", string.Concat(Enumerable.Repeat("{\"a\":", 63)) + "1" + new string('}', 63)),
            Set("data", string.Concat(Enumerable.Repeat("{\"a\":", 64)) + "1" + new string('}', 64)),
            Set("data", string.Concat(Enumerable.Repeat("[", 63)) + new string(']', 63)),
            Set("data", """{"a":"\ud800"}"""), Set("data", """{"a":"\udc00\ud800"}"""), Set("data", """{"\ud800":1}"""), Set("data", """{"a":"\u0000"}"""),
            Set("data", """{"a":1e400,"b":-0,"c":1.0,"d":1E+2,"e":-0.0e-0}"""), Set("data", """{"\u0061":1,"b\/c":"\/"}"""), Set("data", """{"":""}"""),
            Set("data", """{"a":[{"b":[{"c":{}}]}],"d":[[],[[]]]}"""), Set("data", "{\"raw\u0001\":1}"), Set("data", "{\"a\":1,}"), Set("data", "{\"a\":01}"),
            Set("data", "{\"a\":NaN}"), Set("data", "{\"a\":'x'}"), Set("data", "{a:1}"), Set("data", " { \"a\" : [ 1 , 2 ] } "),

            // data_base64
            new("data_base64 alone", ["data"], (d, _) => { d.Remove("data"); d.Set("data_base64", J("aGk=")); }),
            new("data_base64 and data", ["data"], (d, _) => d.Set("data_base64", J("aGk="))),
            new("data_base64 invalid", ["data"], (d, _) => { d.Remove("data"); d.Set("data_base64", J("!!")); }),
            new("data_base64 null with data", ["data"], (d, _) => d.Set("data_base64", "null")),
            new("data_base64 number", ["data"], (d, _) => { d.Remove("data"); d.Set("data_base64", "1"); }),
            new("data_base64 empty", ["data"], (d, _) => { d.Remove("data"); d.Set("data_base64", J("")); }),

            // extensions
            Set("myext", J("s")), Set("myext", "1"), Set("myext", "-2147483648"), Set("myext", "2147483647"), Set("myext", "1.5"), Set("myext", "2147483648"),
            Set("myext", "1e3"), Set("myext", "1.0"), Set("myext", "-0"), Set("myext", "true"), Set("myext", "null"), Set("myext", "{}"), Set("myext", "[]"),
            Set("myext", E(@"\u0001")), Set("myext", E(@"\ud800")), Set("myext", J("")),
            Set("MyExt", J("v")), Set("my-ext", J("v")), Set("", J("v")), Set("my_ext", J("v")), Set("\u00E9", J("v")), Set("a234567890123456789012345", J("v")),
            Set("data2", J("v")), Set("ID", J("x")), Set("Data", "{}"), Set("schemaurl", J("x")),

            // traceparent
            Set("traceparent", J("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")), Set("traceparent", J("garbage")), Set("traceparent", J("")),
            Set("traceparent", "null"), Set("traceparent", "{}"),
            Set("traceparent", "1", KnownDeliberateDifferences.StringExtensionNotString),
            Set("traceparent", "true", KnownDeliberateDifferences.StringExtensionNotString),

            // attribute names written with escapes
            new("id name escaped", ["id"], (d, _) => d.Rename("id", E(@"\u0069d"))),
            new("tenant name escaped", ["tenant"], (d, _) => d.Rename("tenant", E(@"\u0074enant"))),
            new("data name escaped", ["data"], (d, _) => d.Rename("data", E(@"d\u0061ta"))),
            new("specversion name escaped", ["specversion"], (d, _) => d.Rename("specversion", E(@"spec\u0076ersion"))),

            // duplicates (I-JSON)
            Duplicate("id"), Duplicate("id", J("other")), Duplicate("data"), Duplicate("data", """{"z":1}"""), Duplicate("specversion"), Duplicate("tenant", J("other")),
            Duplicate("subject", J("other")), Duplicate("time"), Duplicate("source", J("x")), Duplicate("myext", J("x")),
            new("duplicate id, second name escaped", ["id"], (d, _) => d.Add(E(@"\u0069d"), J("2")), KnownDeliberateDifferences.DuplicateNames),
            Set("data", """{"a":1,"a":2}""", KnownDeliberateDifferences.DuplicateNames),
            Set("data", """{"a":{"b":1,"b":1}}""", KnownDeliberateDifferences.DuplicateNames),
            Set("data", """{"a":[{"x":1,"y":2,"x":3}]}""", KnownDeliberateDifferences.DuplicateNames),
            Set("data", """{"a":1,"\u0061":2}""", KnownDeliberateDifferences.DuplicateNames),

            // bytes that are not UTF-8
            NotUtf8("subject", J("c@@BAD@@"), [0xC3, 0x28], "bad continuation"),
            NotUtf8("subject", J("c@@BAD@@"), [0xC0, 0xAF], "overlong"),
            NotUtf8("id", J("@@BAD@@"), [0xED, 0xA0, 0x80], "encoded surrogate"),
            NotUtf8("data", """{"a":"@@BAD@@"}""", [0xFF], "0xFF"),
            NotUtf8("data", """{"a":"@@BAD@@"}""", [0xF4, 0x90, 0x80, 0x80], "beyond U+10FFFF"),
            NotUtf8("source", J("s@@BAD@@"), [0xE2, 0x82], "truncated sequence"),

            // the body as a whole
            Body("root is an array", (_, _) => "[]"u8.ToArray()), Body("root is a string", (_, _) => "\"x\""u8.ToArray()),
            Body("root is a number", (_, _) => "1"u8.ToArray()), Body("root is null", (_, _) => "null"u8.ToArray()),
            Body("root is an empty object", (_, _) => "{}"u8.ToArray()), Body("envelope inside an array", (b, _) => Concat("["u8.ToArray(), b, "]"u8.ToArray())),
            Body("trailing garbage", (b, _) => Concat(b, "x"u8.ToArray())), Body("two envelopes", (b, _) => Concat(b, b)),
            Body("trailing comma after root", (b, _) => Concat(b, ","u8.ToArray())), Body("trailing whitespace", (b, _) => Concat(b, " \n\t\r\n"u8.ToArray())),
            Body("trailing NUL", (b, _) => Concat(b, [0])), Body("leading whitespace", (b, _) => Concat("\n  "u8.ToArray(), b)),
            Body("UTF-8 byte order mark", (b, _) => Concat([0xEF, 0xBB, 0xBF], b)), Body("empty body", (_, _) => []),
            Body("whitespace only", (_, _) => "  \n"u8.ToArray()), Body("truncated", (b, r) => b[..r.Next(1, b.Length - 1)]),
            Body("comment", (b, _) => Concat("/*c*/"u8.ToArray(), b)), Body("trailing comma in object", (b, _) => Concat(b[..^1], ",}"u8.ToArray())),
            Body("UTF-16 encoded", (b, _) => Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(b))),
        };
        return list;
    }
}
