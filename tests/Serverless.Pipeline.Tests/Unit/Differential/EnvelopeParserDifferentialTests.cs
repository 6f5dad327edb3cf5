using System.Text;
using System.Text.Json;
using Serverless.Pipeline.Events;
using Serverless.Pipeline.Validation;
using Serverless.Pipeline.Tests.Support.Differential;

namespace Serverless.Pipeline.Tests.Unit.Differential;

/// <summary>
/// The envelope parser against the reference it replaces (CloudNative.CloudEvents 2.9.0 decoding, then the pipeline's
/// own rules) on a generated corpus of structured-mode bodies. The cases of <see cref="KnownDeliberateDifferences"/> are
/// held to their intended behaviour instead.
/// </summary>
public sealed class EnvelopeParserDifferentialTests
{
    private const int Listed = 20;

    private static readonly RejectionReason[] EnvelopeReasons =
    [
        RejectionReason.MalformedEnvelope, RejectionReason.MissingTenant, RejectionReason.InvalidTenant, RejectionReason.MissingSubject,
        RejectionReason.UnsupportedDataContentType, RejectionReason.DataNotObject,
    ];

    [Fact]
    public void EnvelopeParser_GeneratedEnvelopes_AgreesWithCloudNativeCloudEvents()
    {
        var parser = new EnvelopeParser();
        var compared = EnvelopeCorpus.Cases.Where(c => c.Deliberate is null).ToList();
        var mismatches = new List<(EnvelopeCase Case, EnvelopeVerdict Expected, EnvelopeVerdict Actual, string What)>();
        foreach (var envelope in compared)
        {
            var expected = CloudEventsOracle.Parse(envelope.Body, EnvelopeCorpus.FallbackTime);
            var actual = CloudEventsOracle.Subject(parser, envelope.Body, EnvelopeCorpus.FallbackTime);
            if (Difference(expected, actual) is { } what)
            {
                mismatches.Add((envelope, expected, actual, what));
            }
        }

        var report = new StringBuilder();
        report.AppendLine($"{mismatches.Count} of {compared.Count} envelopes disagree with CloudNative.CloudEvents + FromCloudEvent "
            + $"({EnvelopeCorpus.Cases.Count - compared.Count} known deliberate differences are tested apart).");
        if (mismatches.Count > 0)
        {
            report.AppendLine("By difference: " + string.Join(", ", mismatches.GroupBy(m => m.What).Select(g => $"{g.Key} ×{g.Count()}")));
            report.AppendLine($"The first {Math.Min(Listed, mismatches.Count)} (single mutations first, one per kind of difference first):");
        }

        var listed = mismatches.OrderByDescending(m => m.Case.Single)
            .GroupBy(m => m.What)
            .SelectMany(g => g.Select((m, i) => (Mismatch: m, Round: i)))
            .OrderBy(x => x.Round)
            .Select(x => x.Mismatch);
        foreach (var (envelope, expected, actual, what) in listed.Take(Listed))
        {
            report.AppendLine();
            report.AppendLine($"--- {envelope.Label}: {what}");
            report.AppendLine("body:      " + JsonText.Printable(envelope.Body));
            report.AppendLine("reference: " + expected);
            report.AppendLine("parser:    " + actual);
        }

        Assert.True(mismatches.Count == 0, report.ToString());
    }

    [Fact]
    public void EnvelopeParser_KnownDeliberateDifferences_AreRejectedAsMalformedEnvelope()
    {
        var parser = new EnvelopeParser();
        var failures = EnvelopeCorpus.Cases
            .Where(c => c.Deliberate is not null)
            .Select(c => (Case: c, Actual: CloudEventsOracle.Subject(parser, c.Body, EnvelopeCorpus.FallbackTime)))
            .Where(x => x.Actual.Reason != RejectionReason.MalformedEnvelope && !RefusedForDataLater(parser, x.Case, x.Actual.Accepted is not null))
            .ToList();

        Assert.True(failures.Count == 0,
            $"{failures.Count} envelope(s) with a known deliberate difference are not rejected as MalformedEnvelope:\n"
            + string.Join('\n', failures.Take(Listed).Select(f => $"--- {f.Case.Label} [{f.Case.Deliberate}]\nbody:   {JsonText.Printable(f.Case.Body)}\nparser: {f.Actual}")));
    }

    // The envelope reader only locates data; a repeated name inside it is refused by the event pass that reads it
    // (as MalformedEnvelope too), before any schema keyword is checked, unless the envelope was refused already.
    private static bool RefusedForDataLater(EnvelopeParser parser, EnvelopeCase envelope, bool accepted) =>
        envelope.Label.Contains("data =", StringComparison.Ordinal) && (!accepted || EventPassRefusesData(parser, envelope.Body));

    private static bool EventPassRefusesData(EnvelopeParser parser, byte[] body)
    {
        var parsed = parser.Parse(body, EnvelopeCorpus.FallbackTime).Event;
        if (parsed is null)
        {
            return false;
        }

        using var anything = JsonDocument.Parse("{}");
        CompiledSchema.TryCompile(anything.RootElement, out var schema, out _);
        try
        {
            schema!.Validate(parsed.DataUtf8.Span);
            return false;
        }
        catch (JsonException)
        {
            return true;
        }
    }

    [Fact]
    public void CloudEventsOracle_KnownDeliberateDifferences_AreRealDifferences()
    {
        var singles = EnvelopeCorpus.Cases.Where(c => c.Deliberate is not null && c.Single).ToList();

        var same = singles
            .Select(c => (Case: c, Expected: CloudEventsOracle.Parse(c.Body, EnvelopeCorpus.FallbackTime)))
            .Where(x => x.Expected.Reason == RejectionReason.MalformedEnvelope)
            .ToList();

        Assert.All(KnownDeliberateDifferences.All, d => Assert.Contains(singles, c => c.Deliberate == d));
        Assert.True(same.Count == 0, "The reference already rejects these as MalformedEnvelope; they are no deliberate difference:\n"
            + string.Join('\n', same.Select(x => $"{x.Case.Label}: {x.Expected}")));
    }

    [Fact]
    public void GeneratedEnvelopeCorpus_EveryOutcome_IsRepresented()
    {
        var verdicts = EnvelopeCorpus.Cases.Where(c => c.Deliberate is null).Select(c => CloudEventsOracle.Parse(c.Body, EnvelopeCorpus.FallbackTime)).ToList();

        var accepted = verdicts.Count(v => v.Accepted is not null);
        var withoutTime = verdicts.Count(v => v.Accepted is { } fields && fields.Time == EnvelopeCorpus.FallbackTime.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        var missing = EnvelopeReasons.Where(r => !verdicts.Any(v => v.Reason == r)).ToList();

        Assert.True(accepted >= 100 && withoutTime > 0 && verdicts.Count - accepted >= 100 && missing.Count == 0,
            $"{accepted} accepted ({withoutTime} on the fallback time), {verdicts.Count - accepted} rejected; no case for {string.Join(", ", missing)}.");
    }

    /// <summary>What differs between the two verdicts, or null when they agree.</summary>
    private static string? Difference(EnvelopeVerdict expected, EnvelopeVerdict actual)
    {
        return (expected.Accepted, actual.Accepted) switch
        {
            ({ } e, { } a) => e.Differences(a) is { Count: > 0 } fields ? "fields differ: " + string.Join(", ", fields) : null,
            (null, null) => expected.Reason == actual.Reason ? null : $"rejected as {expected.Reason} by the reference, {(actual.Reason?.ToString() ?? "threw")} by the parser",
            (null, _) => $"rejected as {expected.Reason} by the reference, accepted by the parser",
            (_, null) => $"accepted by the reference, {(actual.Reason?.ToString() ?? "threw")} by the parser",
        };
    }
}
