using System.Text;

namespace Serverless.Pipeline.Ingestion;

/// <summary>
/// One source's signature check, chosen from its <see cref="SignatureScheme"/> and with its secrets decoded when the
/// configuration is read. A scheme is added here: its case in <see cref="For"/> and its verifier.
/// </summary>
public sealed class SourceVerifier
{
    private readonly Func<IngestRequest, DateTimeOffset, SignatureCheck> _verify;

    private SourceVerifier(Func<IngestRequest, DateTimeOffset, SignatureCheck> verify) => _verify = verify;

    public SignatureCheck Verify(IngestRequest request, DateTimeOffset now) => _verify(request, now);

    /// <exception cref="FormatException">A secret is not in the form the scheme needs.</exception>
    /// <exception cref="NotSupportedException">The scheme is not one this version knows.</exception>
    internal static SourceVerifier For(SourceOptions options)
    {
        switch (options.Signature)
        {
            case SignatureScheme.StandardWebhooks:
            {
                var keys = options.Secrets.Select(StandardWebhooksVerifier.DecodeSecret).ToList();
                return new SourceVerifier((request, now) => StandardWebhooksVerifier.Verify(keys, request.Headers, request.Body.Span, now, options.TimestampTolerance));
            }

            case SignatureScheme.HmacSha256:
            {
                var keys = options.Secrets.Select(Encoding.UTF8.GetBytes).ToList();
                return new SourceVerifier((request, _) => HmacSha256Verifier.Verify(keys, request.Headers.GetValueOrDefault(options.SignatureHeader),
                    options.DeliveryIdHeader is { } header ? request.Headers.GetValueOrDefault(header) : null, request.Body.Span));
            }

            default:
                throw new NotSupportedException($"Unknown signature scheme '{options.Signature}'; use one of: {string.Join(", ", Enum.GetNames<SignatureScheme>())}.");
        }
    }
}
