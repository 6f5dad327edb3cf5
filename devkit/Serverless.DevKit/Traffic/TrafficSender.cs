using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Serverless.DevKit.Traffic;

/// <summary>What the runtime answered to one request: its status code, and how many events it accepted.</summary>
public readonly record struct SendOutcome(string Status, int AcceptedEvents);

/// <summary>
/// Sends synthetic requests to a runtime, each attempt signed at the time it is sent. While the stream is full (429)
/// it waits as Retry-After says and sends again, up to <paramref name="maxAttempts"/> attempts in all.
/// </summary>
public sealed class TrafficSender(HttpClient http, TimeProvider time, int maxAttempts = int.MaxValue)
{
    private static readonly TimeSpan RetryAfterWhenUnsaid = TimeSpan.FromSeconds(1);

    public async Task<SendOutcome> SendAsync(SyntheticRequest next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        for (var attempt = 1; ; attempt++)
        {
            using var request = next.Sign(time.GetUtcNow());
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < maxAttempts)
            {
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? RetryAfterWhenUnsaid, time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var events = 0;
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                using var body = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
                events = body.RootElement.TryGetProperty("accepted", out var ids) && ids.ValueKind == JsonValueKind.Array ? ids.GetArrayLength() : 0;
            }

            return new SendOutcome(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), events);
        }
    }
}
