using System.Diagnostics;
using System.Globalization;

namespace Serverless.Benchmarks;

/// <summary>
/// Open-loop load: request k is due k * (events per request / rate) seconds after the start, whoever sends it, so the
/// offered rate stays steady however fast the runtime answers; a runtime that falls behind shows as a growing backlog.
/// </summary>
internal sealed class PacedLoad
{
    private readonly HttpClient _http;
    private readonly double _secondsPerRequest;
    private readonly int _eventsPerRequest;
    private readonly Stopwatch _clock = new();
    private long _nextTicket;
    private long _sentEvents;

    public PacedLoad(HttpClient http, double eventsPerSecond, int eventsPerRequest)
    {
        _http = http;
        _eventsPerRequest = eventsPerRequest;
        _secondsPerRequest = eventsPerRequest / eventsPerSecond;
    }

    public long SentEvents => Interlocked.Read(ref _sentEvents);

    public List<Task> Start(int senders, CancellationToken stop)
    {
        _clock.Start();
        return Enumerable.Range(0, senders).Select(_ => Task.Run(() => SendUntilAsync(stop), CancellationToken.None)).ToList();
    }

    private async Task SendUntilAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var ticket = Interlocked.Increment(ref _nextTicket) - 1;
            var wait = TimeSpan.FromSeconds(ticket * _secondsPerRequest) - _clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            var request = (int)ticket;
            await LoadBenchmark.SendAsync(_http, LoadBenchmark.Batch(request, _eventsPerRequest), "sustained-" + request.ToString(CultureInfo.InvariantCulture));
            Interlocked.Add(ref _sentEvents, _eventsPerRequest);
        }
    }
}
