namespace IngestWorker.Storage;

/// <summary>A small thread-safe least-recently-used cache.</summary>
internal sealed class LruCache<TKey, TValue>(int capacity) where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value)>> _entries = [];
    private readonly LinkedList<(TKey Key, TValue Value)> _order = new();

    public bool TryGet(TKey key, out TValue value)
    {
        lock (_entries)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }
        value = default!;
        return false;
    }

    public void Set(TKey key, TValue value)
    {
        lock (_entries)
        {
            if (_entries.Remove(key, out var old))
                _order.Remove(old);
            _entries[key] = _order.AddFirst((key, value));
            if (_entries.Count > capacity)
            {
                _entries.Remove(_order.Last!.Value.Key);
                _order.RemoveLast();
            }
        }
    }

    public void Remove(TKey key)
    {
        lock (_entries)
        {
            if (_entries.Remove(key, out var node))
                _order.Remove(node);
        }
    }
}
