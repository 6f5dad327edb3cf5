using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Events;

namespace Serverless.Pipeline.Ingestion;

/// <summary>A source with its secrets decoded once, checked when the host starts rather than on the first request.</summary>
public sealed class ConfiguredSource
{
    public ConfiguredSource(string name, SourceOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        if (!EnvelopeParser.IsValidTenant(options.Tenant))
        {
            throw Misconfigured(name, "Tenant must be 1-63 lower-case letters, digits and hyphens.");
        }

        if (options.Secrets.Count == 0 || options.Secrets.Any(string.IsNullOrWhiteSpace))
        {
            throw Misconfigured(name, "at least one signing secret is required, and none may be empty.");
        }

        Name = name;
        Options = options;
        MediaTypes = EventMapper.MediaTypesFor(options.Format)
            ?? throw Misconfigured(name, nameof(SourceOptions.Format), $"unknown format '{options.Format}'; use one of: {string.Join(", ", Enum.GetNames<SourceFormat>())}.");
        Verifier = ChooseVerifier(name, options);
        EventSource = options.EventSource ?? "webhook://" + name;
    }

    public string Name { get; }
    public SourceOptions Options { get; }

    /// <summary>The signature check of the source's scheme, with its secrets decoded.</summary>
    public SourceVerifier Verifier { get; }

    /// <summary>The media types the source's format accepts.</summary>
    public IReadOnlyList<string> MediaTypes { get; }

    public string EventSource { get; }

    private static SourceVerifier ChooseVerifier(string name, SourceOptions options)
    {
        try
        {
            return SourceVerifier.For(options);
        }
        catch (NotSupportedException ex)
        {
            throw Misconfigured(name, nameof(SourceOptions.Signature), ex.Message);
        }
        catch (FormatException)
        {
            throw Misconfigured(name, "a Standard Webhooks secret is 'whsec_' followed by base64.");
        }
    }

    private static MisconfigurationException Misconfigured(string name, string problem) =>
        new([$"{PipelineOptions.SectionName}:Sources:{name}"], $"Source '{name}': {problem}") { IsMissing = false };

    private static MisconfigurationException Misconfigured(string name, string setting, string problem) =>
        new([$"{PipelineOptions.SectionName}:Sources:{name}:{setting}"], $"Source '{name}': {problem}") { IsMissing = false };
}
