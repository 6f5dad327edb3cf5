using Serverless.Local.Hosting;
using Serverless.Pipeline.Views;

namespace Serverless.Local.Dashboard;

/// <summary>
/// The daily counters of the last <see cref="Days"/> days, read at most once per <see cref="Lifetime"/>: the dashboard
/// polls every few seconds, and reading the history is a scan of the counters table that grows with the days it holds.
/// </summary>
internal sealed class CounterHistoryCache(TimeProvider time)
{
    public const int Days = 30;
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(15);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (CounterTotals Totals, DateTimeOffset ReadAt)? _last;

    public async Task<CounterTotals> GetAsync(LocalRuntime runtime, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            if (_last is { } last && now - last.ReadAt < Lifetime)
            {
                return last.Totals;
            }

            var today = DateOnly.FromDateTime(now.UtcDateTime);
            var totals = await CounterHistory.ReadAsync(runtime.Pipeline.Storage.Counters, today.AddDays(1 - Days), today, cancellationToken).ConfigureAwait(false);
            _last = (totals, now);
            return totals;
        }
        finally
        {
            _gate.Release();
        }
    }
}
