using Azure.Identity;
using Azure.Messaging.EventHubs;
using Grpc.Core;
using Serverless.Functions.Hosting;
using Serverless.Functions.Streaming;
using Serverless.Pipeline.Http;
using Serverless.Pipeline.Problems;

namespace Serverless.Functions.Http;

/// <summary>The faults of the services only the Functions app uses: Event Hubs, the app's identity, the Durable host.</summary>
public static class FunctionsFaults
{
    public static FaultClassifier Classifier() => new(Classify);

    private static HttpAnswer? Classify(Exception exception) => exception switch
    {
        EventTooLargeException => HttpAnswer.Of(Problem.Of(413, "event-too-large", "Event too large",
            "An event of this request, once wrapped as a CloudEvent, is larger than the event stream accepts; the request was refused.")),

        // Event Hubs reports a missing role as UnauthorizedAccessException; retrying cannot fix it.
        UnauthorizedAccessException => FaultClassifier.AccessDenied("event-hubs-access-denied", "Event Hubs refused the app's identity",
            "Give the app's identity the Azure Event Hubs Data Sender role on the hub."),
        AuthenticationFailedException or CredentialUnavailableException => FaultClassifier.AccessDenied("identity-unavailable", "The app's identity could not sign in",
            $"Check the app setting {AppSettings.ManagedIdentityClientId}: it must be the client id of the identity assigned to the app."),
        EventHubsException => FaultClassifier.Unavailable("The event stream"),
        RpcException => FaultClassifier.Unavailable("The workflow service"),
        _ => null,
    };
}
