using System.Collections.Concurrent;

namespace Serverless.Pipeline.Caching;

/// <summary>
/// A bounded, thread-safe memo of a pure function's results (a phone number's parse, a user agent's reading). When it
/// holds <c>capacity</c> entries it starts again empty: the values repeat within a stream, so the hot ones come back
/// within a few events, and the memory stays bounded without tracking use.
/// </summary>
public sealed class ResultCache<TKey, TValue>
    where TKey : notnull
{
    private readonly int _capacity;
    private readonly Func<TKey, TValue> _compute;
    private ConcurrentDictionary<TKey, TValue> _entries;

    public ResultCache(int capacity, Func<TKey, TValue> compute, IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
        _compute = compute;
        _entries = new ConcurrentDictionary<TKey, TValue>(comparer);
    }

    public int Count => _entries.Count;

    /// <summary>Records a result computed elsewhere (by a caller that had it at hand), as <see cref="Get"/> would.</summary>
    public void Set(TKey key, TValue value)
    {
        var entries = _entries;
        if (entries.Count >= _capacity)
        {
            entries = new ConcurrentDictionary<TKey, TValue>(entries.Comparer);
            _entries = entries;
        }

        entries[key] = value;
    }

    public TValue Get(TKey key)
    {
        var entries = _entries;
        if (entries.TryGetValue(key, out var value))
        {
            return value;
        }

        value = _compute(key);
        if (entries.Count >= _capacity)
        {
            entries = new ConcurrentDictionary<TKey, TValue>(entries.Comparer);
            _entries = entries;
        }

        entries.TryAdd(key, value);
        return value;
    }
}
