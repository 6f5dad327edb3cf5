namespace Serverless.Pipeline.Tests.Support.Differential;

/// <summary>
/// Where the new envelope parser is meant to differ from the reference (CloudNative.CloudEvents 2.9.0 plus the
/// pipeline's rules). Envelope mutations tagged with one of these are left out of the equality comparison; the parser
/// must reject every such envelope as <c>MalformedEnvelope</c>, and for each mutation applied alone the reference must
/// really do something else (so that the list holds only real differences). Facts about the reference were checked by
/// running it: e.g. CloudNative already rejects an empty <c>source</c>, <c>id</c>, <c>type</c> or <c>subject</c>, a
/// relative or empty <c>dataschema</c>, lower-case <c>t</c>/<c>z</c> in <c>time</c>, control characters and
/// noncharacters in string attributes, and upper-case or non-alphanumeric extension names — those are compared for
/// equality, not listed here.
/// </summary>
internal static class KnownDeliberateDifferences
{
    /// <summary>
    /// I-JSON (RFC 7493 §2.3): member names must be unique. The pipeline rejects a duplicate name anywhere in the body
    /// (attributes, extensions, inside data at any depth, and names that are equal only once unescaped, like
    /// <c>"id"</c> and <c>"\u0069d"</c>); CloudNative keeps the last attribute and passes both members inside data on.
    /// </summary>
    public const string DuplicateNames = "duplicate member names (I-JSON)";

    /// <summary>
    /// RFC 3339 <c>time-secfrac = "." 1*DIGIT</c>: a fraction point needs a digit after it. CloudNative accepts
    /// <c>2026-11-21T10:00:00.Z</c> and <c>…00.+01:00</c>.
    /// </summary>
    public const string TimeFractionWithoutDigits = "time with '.' and no fraction digits (RFC 3339)";

    /// <summary>
    /// CloudEvents JSON format: a String attribute is a JSON string. The pipeline's String-typed extensions
    /// (<c>tenant</c>, <c>traceparent</c>) given as a JSON boolean or number are type errors; CloudNative turns them into
    /// text ("true", "1") and the event passes.
    /// </summary>
    public const string StringExtensionNotString = "tenant/traceparent given as a JSON boolean or number";

    public static readonly IReadOnlyList<string> All =
        [DuplicateNames, TimeFractionWithoutDigits, StringExtensionNotString];
}
