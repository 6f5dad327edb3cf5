using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Privacy.Requests;

namespace Serverless.Pipeline.Privacy.Erasure;

/// <summary>The <see cref="PersonMatcher"/> of a running erasure: its customer records and the identifiers it was given.</summary>
public static class ErasureMatch
{
    public static PersonMatcher For(PrivacyRequest request, PipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        return new PersonMatcher(
            request.Subjects ?? [],
            request.Identifiers?.Email is { } email ? [email] : [],
            request.Identifiers?.Phone is { } phone ? [phone] : [],
            options.RegionFor(request.Tenant));
    }
}
