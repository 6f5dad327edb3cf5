namespace Serverless.Pipeline.Tests.Support.Differential;

/// <summary>
/// Strings for the formats and patterns the corpus schemas use. <see cref="Samples.Valid"/> must pass and
/// <see cref="Samples.Invalid"/> must fail in JsonSchema.Net and by the specification alike (the corpus sanity test
/// checks the first half); <see cref="Samples.Probes"/> are edge cases where implementations commonly differ (RFC 3339
/// details, .NET regex <c>$</c> matching before a final newline, surrogate pairs under <c>.</c>, IDN) — whatever the
/// reference says there is what the compiled plan is compared with.
/// </summary>
internal static class StringSamples
{
    internal sealed record Samples(string[] Valid, string[] Invalid, string[] Probes);

    public static readonly IReadOnlyDictionary<string, Samples> Formats = new Dictionary<string, Samples>(StringComparer.Ordinal)
    {
        ["date"] = new(
            ["2026-11-21", "2024-02-29", "1999-12-31", "2000-01-01"],
            ["2026-13-01", "2026-02-30", "21-11-2026", "2026/11/21", "2026-11-21T10:00:00Z", "2023-02-29", "", "yesterday"],
            ["2026-11-21\n", "\uFF12\uFF10\uFF12\uFF16-11-21", "2026-1-1", "2026-11-21 ", "0000-01-01", "10000-01-01"]),
        ["date-time"] = new(
            ["2026-11-21T10:00:00Z", "2026-11-21T10:00:00.123+05:30", "2026-11-21T23:59:59-08:00", "2026-01-01T00:00:00.1234567Z", "2026-06-30T12:34:56+00:00"],
            ["2026-11-21", "2026-11-21T25:00:00Z", "2026-11-21T10:00:00", "not a date", "2026-11-21T10:00Z", "2026-02-30T10:00:00Z"],
            [
                "2026-11-21t10:00:00z", "2026-11-21 10:00:00Z", "2026-11-21_10:00:00Z", "2026-11-21T10:00:00Z\n", "1990-12-31T23:59:60Z",
                "2026-11-21T10:00:60Z", "2026-11-21T10:00:00.Z", "2026-11-21T10:00:00+24:00", "2026-11-21T10:00:00.123456789012Z",
                "2026-11-21T10:00:00+05:30:00", "1990-12-31T15:59:60-08:00",
            ]),
        ["time"] = new(
            ["10:00:00Z", "23:59:59.999+01:00", "00:00:00-05:00", "12:30:45.5Z"],
            ["10:00", "25:00:00Z", "10:00:00", "10:60:00Z", "noon"],
            ["10:00:00z", "23:59:60Z", "1:00:00Z", "10:00:00.Z", "10:00:00+0100", "22:59:60-01:00"]),
        ["email"] = new(
            ["a@b.co", "first.last@example.com", "x+tag@sub.example.org", "o'brien@example.ie"],
            ["plainaddress", "@example.com", "a@", "a b@c.co", "a..b@c.co", ""],
            [
                "a@b", "\"quoted local\"@example.com", "user@[192.168.0.1]", "user@[IPv6:::1]", "\u00FCn\u00EF@example.com",
                "a@\u00FCn\u00EF.com", "a.@b.co", ".a@b.co",
            ]),
        ["uri"] = new(
            ["https://example.com/path?q=1#f", "urn:isbn:0451450523", "mailto:a@b.co", "ftp://ftp.example.com/x", "https://portal.example.com/home"],
            ["relative/path", "/abs/path", "http://a b.com", "", "x y:z"],
            ["http://\u4F8B\u3048.jp", "http://[::1]:80/", "x:", "HTTP://EXAMPLE.COM", "http://e.com/%zz", "C:/x", "file:///etc/x"]),
        ["uri-reference"] = new(
            ["/relative/path", "../up", "https://example.com", "#frag", "?q=1", "path/to/x"],
            ["a b", "\\\\server\\share", "<x>", "http://x.com/{y}", "a^b"],
            ["", "http://\u4F8B\u3048.jp", "%zz", "//host/path", "\u00FCn\u00EF"]),
        ["ipv4"] = new(
            ["192.168.0.1", "0.0.0.0", "255.255.255.255", "10.1.2.3"],
            ["256.0.0.1", "1.2.3", "1.2.3.4.5", "a.b.c.d", "1.2.3.-4", ""],
            ["01.2.3.4", "1.2.3.04", "\u0663.2.3.4", "1.2.3.4\n"]),
        ["ipv6"] = new(
            ["::1", "2001:db8::8a2e:370:7334", "fe80::1", "::", "2001:0db8:0000:0000:0000:ff00:0042:8329"],
            ["12345::", "1:2:3:4:5:6:7:8:9", ":::", "::1/64", "g::1", "1.2.3.4", ""],
            ["::ffff:1.2.3.4", "1::", "fe80::1%eth0", "[::1]", "::FFFF:1.2.3.4", "1:2:3:4:5:6:7::"]),
        ["uuid"] = new(
            ["123e4567-e89b-12d3-a456-426614174000", "123E4567-E89B-12D3-A456-426614174000", "00000000-0000-0000-0000-000000000000"],
            ["123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400", "{123e4567-e89b-12d3-a456-426614174000}", "not-a-uuid", ""],
            ["123e4567-e89b-12d3-a456-426614174000 ", "(123e4567-e89b-12d3-a456-426614174000)"]),
        ["hostname"] = new(
            ["example.com", "a-b.example", "localhost", "sub.domain.example.org", "a1"],
            ["-example.com", "example..com", "exa_mple.com", new string('a', 64) + ".com", "ex ample.com", ""],
            ["xn--bcher-kva.example", "example.com.", "a", "1.2.3.4", "ab--cd.com", "\u00FCn\u00EF.com", "EXAMPLE.COM"]),
    };

    /// <summary>Keyed by the pattern exactly as the schemas write it.</summary>
    public static readonly IReadOnlyDictionary<string, Samples> Patterns = new Dictionary<string, Samples>(StringComparer.Ordinal)
    {
        ["^/"] = new(
            ["/", "/cases/1", "/cases/88231/documents", "/a b/\u00FC", "/\U0001F600"],
            ["cases/1", " /x", "\\x", "x/"],
            []),
        ["^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"] = new(
            ["en", "en-US", "zh-Hant-TW", "fil", "de-1996"],
            ["e", "english", "en_US", "en-", "\u00FC"],
            ["en\n", "EN-us"]),
        ["^[A-Z]{3}-\\d{2,4}$"] = new(
            ["ABC-12", "XYZ-1234", "QRS-123"],
            ["abc-12", "ABC-1", "ABC-\u0661\u0662", "ABCD-12"],
            ["ABC-12\n"]),
        ["^\\p{L}+( \\p{L}+)*$"] = new(
            ["Jos\u00E9", "Zo\u00EB Smith", "\u5317\u4EAC", "\u03A9mega", "\u00C6r\u00F8sk\u00F8bing"],
            ["J0se", "two  spaces", " lead", "\U0001F600", "a_b"],
            ["\U0001D49Clice", "Jos\u00E9\n"]),
        ["^[\u03B1-\u03C9]+$"] = new(
            ["\u03B1\u03B2\u03B3", "\u03C9", "\u03B6\u03C9\u03B7"],
            ["abc", "\u0391", "\u03B1\u03B2\u03B31", "\u03AC"],
            []),
        ["^.{1,4}$"] = new(
            ["abcd", "\u00E9", "a b"],
            ["abcde", "", "a\nb"],
            ["\U0001F600\U0001F600\U0001F600", "\U0001F600\U0001F600", "a\n", "\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600"]),
    };
}
