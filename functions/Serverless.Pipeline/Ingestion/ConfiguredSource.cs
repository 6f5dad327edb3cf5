using System.Text;
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
        Keys = options.Secrets.Select(secret => Decode(name, options.Signature, secret)).ToList();
        EventSource = options.EventSource ?? "webhook://" + name;
    }

    public string Name { get; }
    public SourceOptions Options { get; }
    public IReadOnlyList<byte[]> Keys { get; }
    public string EventSource { get; }

    private static byte[] Decode(string name, SignatureScheme scheme, string secret)
    {
        if (scheme == SignatureScheme.HmacSha256)
        {
            return Encoding.UTF8.GetBytes(secret);
        }

        try
        {
            return StandardWebhooksVerifier.DecodeSecret(secret);
        }
        catch (FormatException)
        {
            throw Misconfigured(name, "a Standard Webhooks secret is 'whsec_' followed by base64.");
        }
    }

    private static MisconfigurationException Misconfigured(string name, string problem) =>
        new([$"{PipelineOptions.SectionName}:Sources:{name}"], $"Source '{name}': {problem}") { IsMissing = false };
}
