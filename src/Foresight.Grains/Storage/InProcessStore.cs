using System.Collections.Concurrent;

namespace Foresight.Grains.Storage;

/// <summary>
/// The records behind <see cref="InProcessGrainStorage"/>: serialized bytes and a version per grain, shared by every
/// silo in the process. It outlives any one silo, so in a single-process cluster (the embedded server, the
/// in-process test cluster) a killed silo loses nothing that was written, as a database would.
/// </summary>
public sealed class InProcessStore
{
    // Every grain of the process writes here: more lock stripes than the default (one per core) keep writers of
    // different records from waiting on each other.
    private readonly ConcurrentDictionary<string, (byte[] Data, long Version)> _records = new(concurrencyLevel: 64, capacity: 1024, StringComparer.Ordinal);

    public int Count => _records.Count;

    public bool TryRead(string key, out byte[] data, out long version)
    {
        if (_records.TryGetValue(key, out var record))
        {
            (data, version) = record;
            return true;
        }

        data = [];
        version = 0;
        return false;
    }

    /// <summary>Writes when the stored version still equals <paramref name="expectedVersion"/> (0 = no record); returns the new version, or -1 on conflict.</summary>
    public long TryWrite(string key, byte[] data, long expectedVersion)
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

    public bool Remove(string key) => _records.TryRemove(key, out _);
}
