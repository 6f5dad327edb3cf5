using System.Diagnostics;

namespace Serverless.Testing;

/// <summary>
/// How the tests wait for what another thread or process does: check a condition, and again after a short pause,
/// until it holds or a deadline passes. The only place in the tests that pauses (see the no-sleep test).
/// </summary>
public static class Poll
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(20);

    /// <returns>Whether the condition held before the deadline.</returns>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? interval = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var waited = Stopwatch.StartNew();
        while (!await condition().ConfigureAwait(false))
        {
            if (waited.Elapsed >= timeout)
            {
                return false;
            }

            await Task.Delay(interval ?? DefaultInterval, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <returns>Whether the condition held before the deadline.</returns>
    public static Task<bool> UntilAsync(Func<bool> condition, TimeSpan timeout, TimeSpan? interval = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(() => Task.FromResult(condition()), timeout, interval, cancellationToken);
    }

    /// <summary>The first value <paramref name="probe"/> finds (not null) before the deadline.</summary>
    /// <exception cref="TimeoutException">Nothing found in time; the message is <paramref name="notFound"/>.</exception>
    public static async Task<T> ForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string notFound, TimeSpan? interval = null, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(probe);
        T? found = null;
        return await UntilAsync(async () => (found = await probe().ConfigureAwait(false)) is not null, timeout, interval, cancellationToken).ConfigureAwait(false)
            ? found!
            : throw new TimeoutException(notFound);
    }
}
