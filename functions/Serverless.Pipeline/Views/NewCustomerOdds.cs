using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Serverless.Pipeline.Views;

/// <summary>
/// How often, lately, a customer whose profile this instance had not cached turned out to have no profile yet, per
/// stream partition. Where it is usually so (a stream of new leads), writing the profile as new without reading it
/// first saves a read; where it is not (an instance that has just taken over a partition of returning customers), a
/// blind insert would fail and cost a read anyway, so the profile is read first, as it always was.
/// </summary>
internal sealed class NewCustomerOdds
{
    private const double Weight = 1.0 / 16;
    private readonly ConcurrentDictionary<string, StrongBox<double>> _byPartition = new(StringComparer.Ordinal);

    public bool LikelyNew(string streamPartition) =>
        _byPartition.TryGetValue(streamPartition, out var odds) && Volatile.Read(ref odds.Value) >= 0.5;

    public void Observe(string streamPartition, bool wasNew)
    {
        var odds = _byPartition.GetOrAdd(streamPartition, _ => new StrongBox<double>(0));
        lock (odds)
        {
            odds.Value += ((wasNew ? 1 : 0) - odds.Value) * Weight;
        }
    }
}
