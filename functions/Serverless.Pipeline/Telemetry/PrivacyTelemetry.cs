using static Serverless.Pipeline.Telemetry.PipelineTelemetry;

namespace Serverless.Pipeline.Telemetry;

/// <summary>Privacy requests' metrics: one count per state a request enters, with its age then.</summary>
internal static class PrivacyTelemetry
{
    public static void Entered(string kind, string state, TimeSpan age)
    {
        var kindTag = new KeyValuePair<string, object?>(Tags.Kind, kind);
        var stateTag = new KeyValuePair<string, object?>(Tags.State, state);
        PrivacyRequests.Add(1, kindTag, stateTag);
        PrivacyRequestAge.Record(Math.Max(0, age.TotalSeconds), kindTag, stateTag);
    }
}
