using System.Collections.Concurrent;

namespace Foresight.Grains.Storage;

/// <summary>
/// The records behind <see cref="InProcessGrainStorage"/>: a private copy of each grain's state and a version, shared
/// by every silo in the process. It outlives any one silo, so in a single-process cluster (the embedded server, the
/// in-process test cluster) a killed silo loses nothing that was written, as a database would.
/// </summary>
public sealed class InProcessStore
{
    // Every grain of the process writes here: more lock stripes than the default (one per core) keep writers of
    // different records from waiting on each other. The key is a value (storage name, state name, grain), so a read or
    // write builds no string.
    private readonly ConcurrentDictionary<InProcessKey, (object? Data, long Version)> _records = new(concurrencyLevel: 64, capacity: 1024);

    public int Count => _records.Count;

    public bool TryRead(InProcessKey key, out object? data, out long version)
    {
        if (_records.TryGetValue(key, out var record))
        {
            (data, version) = record;
            return true;
        }

        data = null;
        version = 0;
        return false;
    }

    /// <summary>Writes when the stored version still equals <paramref name="expectedVersion"/> (0 = no record); returns the new version, or -1 on conflict.</summary>
    public long TryWrite(InProcessKey key, object? data, long expectedVersion)
    {
        while (true)
        {
            if (_records.TryGetValue(key, out var current))
            {
                if (current.Version != expectedVersion)
                {
                    return -1;
                }

                if (_records.TryUpdate(key, (data, current.Version + 1), current))
                {
                    return current.Version + 1;
                }
            }
            else
            {
                if (expectedVersion != 0)
                {
                    return -1;
                }

                if (_records.TryAdd(key, (data, 1)))
                {
                    return 1;
                }
            }
        }
    }

    public bool Remove(InProcessKey key) => _records.TryRemove(key, out _);
}

/// <summary>One record of an <see cref="InProcessStore"/>: the storage's name, the state's name, the grain.</summary>
public readonly record struct InProcessKey(string Storage, string State, GrainId Grain);
