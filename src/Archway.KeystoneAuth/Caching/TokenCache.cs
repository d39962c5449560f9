using System.Collections.Concurrent;

namespace Archway.KeystoneAuth.Caching;

/// <summary>
/// The in-process cache: token → validated token (or "known invalid"), each entry with its own deadline. Bounded:
/// when full, expired entries go first, then those closest to their deadline, a tenth of the capacity at a time.
/// </summary>
internal sealed class TokenCache(int capacity, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _pruning = new();
    private int _count;

    /// <param name="Token">Null for a token Identity called invalid.</param>
    /// <param name="Until">When the entry stops counting.</param>
    private sealed record Entry(ValidatedToken? Token, DateTimeOffset Until);

    public int Count => Volatile.Read(ref _count);

    /// <summary>Whether the cache knows <paramref name="token"/>: <paramref name="validated"/> null means known invalid.</summary>
    public bool TryGet(string token, out ValidatedToken? validated)
    {
        if (_entries.TryGetValue(token, out var entry))
        {
            if (time.GetUtcNow() < entry.Until)
            {
                validated = entry.Token;
                return true;
            }
            Remove(token, entry);
        }
        validated = null;
        return false;
    }

    public void Set(string token, ValidatedToken? validated, DateTimeOffset until)
    {
        var entry = new Entry(validated, until);
        if (_entries.TryAdd(token, entry))
        {
            if (Interlocked.Increment(ref _count) > capacity)
            {
                Prune();
            }
        }
        else
        {
            _entries[token] = entry;
        }
    }

    private void Remove(string token, Entry entry)
    {
        if (_entries.TryRemove(KeyValuePair.Create(token, entry)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    private void Prune()
    {
        lock (_pruning)
        {
            if (Count <= capacity)
            {
                return;
            }
            var now = time.GetUtcNow();
            var live = new List<KeyValuePair<string, Entry>>(Count);
            foreach (var pair in _entries)
            {
                if (pair.Value.Until <= now)
                {
                    Remove(pair.Key, pair.Value);
                }
                else
                {
                    live.Add(pair);
                }
            }
            var target = capacity - Math.Max(1, capacity / 10);
            if (live.Count <= target)
            {
                return;
            }
            live.Sort(static (a, b) => a.Value.Until.CompareTo(b.Value.Until));
            for (var i = 0; i < live.Count - target; i++)
            {
                Remove(live[i].Key, live[i].Value);
            }
        }
    }
}
