using Azure;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Problems;
using Serverless.Pipeline.Resilience;
using Serverless.Pipeline.Storage;

namespace Serverless.Pipeline.Http;

/// <summary>
/// Turns a failure while serving a request into its answer. An outage (storage, the event stream, the workflow
/// service) is 503 with Retry-After: nothing was accepted and the same request may be sent again. A fault that
/// retrying cannot fix (the app's identity lacks a role, a setting's value is wrong) is 500 naming the role or setting,
/// never "retry later". A missing setting is 503 naming it. Hosts add rules for the services only they use (Event Hubs, Durable).
/// </summary>
public sealed class FaultClassifier
{
    public static readonly TimeSpan UnavailableRetryAfter = RetryAdvice.Delay;
    private readonly IReadOnlyList<Func<Exception, HttpAnswer?>> _hostRules;

    public FaultClassifier(params IReadOnlyList<Func<Exception, HttpAnswer?>> hostRules)
    {
        ArgumentNullException.ThrowIfNull(hostRules);
        _hostRules = hostRules;
    }

    /// <summary>The answer for <paramref name="exception"/>, or null when it is not a known fault (a bug: answer 500).</summary>
    public HttpAnswer? Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        foreach (var rule in _hostRules)
        {
            if (rule(exception) is { } answer)
            {
                return answer;
            }
        }

        return exception switch
        {
            MisconfigurationException { IsMissing: true } missing => NotConfigured(missing.Message),
            MisconfigurationException wrong => HttpAnswer.Of(Problem.Of(500, "misconfigured", "Misconfigured", wrong.Message)),
            AggregateException { InnerExceptions.Count: 1 } aggregate => Classify(aggregate.InnerExceptions[0]),
            RequestFailedException { Status: 401 or 403 } denied => AccessDenied("storage-access-denied", "Storage refused the app's identity",
                $"Storage answered {denied.Status} ({denied.ErrorCode}): give the app's identity the Storage Blob Data Contributor and Storage Table Data Contributor roles on the pipeline's storage account."),
            _ when StorageFaults.IsUnavailable(exception) => Unavailable("Storage"),
            _ => null,
        };
    }

    /// <summary>503 with Retry-After: <paramref name="what"/> could not be reached, and nothing of the request was accepted.</summary>
    public static HttpAnswer Unavailable(string what) => HttpAnswer.Of(Problem.Of(503, "unavailable", "Service unavailable",
        $"{what} could not be reached; nothing from this request was accepted. Send it again after the given delay."), UnavailableRetryAfter);

    /// <summary>500: the app's identity lacks a role; an operator must grant it.</summary>
    public static HttpAnswer AccessDenied(string slug, string title, string detail) => HttpAnswer.Of(Problem.Of(500, slug, title, detail));

    public static HttpAnswer NotConfigured(string detail) => HttpAnswer.Of(Problem.Of(503, "not-configured", "Not configured", detail));

    public static HttpAnswer Unexpected { get; } = HttpAnswer.Of(Problem.Of(500, "internal-error", "Internal error",
        "The request failed unexpectedly; the app's logs say why."));
}
