namespace IngestWorker.State.Compact;

/// <summary>
/// A small set of strings that recur on every entry (containers, statuses, sites, unusual ETags),
/// each kept once and named by its number in order of first appearance — the same numbers in every
/// worker that applies the same log.
/// </summary>
internal sealed class StringCodes(int limit)
{
    private readonly List<string> _values = [];
    private readonly Dictionary<string, int> _codes = new(StringComparer.Ordinal);

    public int Count => _values.Count;

    public string this[int code] => _values[code];

    public int GetOrAdd(string value)
    {
        if (_codes.TryGetValue(value, out var code))
            return code;
        if (_values.Count >= limit)
            throw new InvalidOperationException($"The state index holds {limit} distinct values of this kind, its limit ('{value}' is one too many).");
        _values.Add(value);
        return _codes[value] = _values.Count - 1;
    }

    /// <summary>The value's number, or -1 when it was never added.</summary>
    public int Find(string value) => _codes.GetValueOrDefault(value, -1);

    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(_values.Count);
        foreach (var value in _values)
            writer.Write(value);
    }

    public void ReadFrom(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        if (count < 0 || count > limit)
            throw new InvalidDataException($"A state checkpoint lists {count} values where at most {limit} fit.");
        for (var i = 0; i < count; i++)
        {
            var value = reader.ReadString();
            if (_codes.ContainsKey(value))
                throw new InvalidDataException($"A state checkpoint lists '{value}' twice.");
            GetOrAdd(value);
        }
    }
}
