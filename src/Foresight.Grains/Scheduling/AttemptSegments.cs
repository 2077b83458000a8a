using Orleans.Storage;

namespace Foresight.Grains.Scheduling;

/// <summary>
/// A durable set of job attempts (one per job) kept in segments by arrival order, each segment under its own state
/// name (a prefix followed by its number). A write rewrites only the segments changed since the last one — the
/// newest, which arrivals fill, and the older ones that departures touched — so it costs what changed, not the size
/// of the set. A segment emptied before the newest is cleared. Which segments hold items is the owner's main state's
/// to record (<see cref="Live"/>, <see cref="NextSequence"/>).
/// </summary>
/// <typeparam name="T">An item: one job's attempt.</typeparam>
/// <typeparam name="TSegment">The stored form of one segment.</typeparam>
public abstract class AttemptSegments<T, TSegment>
    where T : class
    where TSegment : class, new()
{
    private readonly IGrainStorage _storage;
    private readonly GrainId _grain;
    private readonly string _prefix;
    private readonly int _size;
    private readonly Dictionary<long, Dictionary<string, T>> _segments = [];
    private readonly Dictionary<long, GrainState<TSegment>> _stored = [];
    private readonly Dictionary<string, long> _segmentOf = new(StringComparer.Ordinal);
    private readonly HashSet<long> _dirty = [];
    private long _next;

    protected AttemptSegments(IGrainStorage storage, GrainId grain, string prefix, int size)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        _storage = storage;
        _grain = grain;
        _prefix = prefix;
        _size = size;
    }

    /// <summary>Items held.</summary>
    public int Count => _segmentOf.Count;

    /// <summary>Every item held, in no particular order.</summary>
    public IEnumerable<T> All => _segments.Values.SelectMany(s => s.Values);

    /// <summary>The item held for a job; null when none is.</summary>
    public T? Find(string jobId) => _segmentOf.TryGetValue(jobId, out var number) ? _segments[number][jobId] : null;

    /// <summary>The arrival number the next item gets.</summary>
    public long NextSequence => _next;

    /// <summary>The numbers of the segments that hold items, oldest first.</summary>
    public List<long> Live
    {
        get
        {
            var live = new List<long>(_segments.Count);
            foreach (var (number, items) in _segments)
            {
                if (items.Count > 0)
                {
                    live.Add(number);
                }
            }

            live.Sort();
            return live;
        }
    }

    /// <summary>The job an item belongs to.</summary>
    protected abstract string JobOf(T item);

    /// <summary>The attempt number of an item.</summary>
    protected abstract int AttemptOf(T item);

    /// <summary>The items of a stored segment.</summary>
    protected abstract IEnumerable<T>? ItemsOf(TSegment segment);

    /// <summary>The stored form of a segment holding <paramref name="items"/>.</summary>
    protected abstract TSegment SegmentOf(List<T> items);

    private long NumberOf(long sequence) => sequence / _size;

    /// <summary>Reads the segments the main state names (on activation). A job found in two segments (a move whose
    /// older segment's write was lost) is kept once, its latest attempt, and the other segment rewritten.</summary>
    public async Task ReadAsync(IReadOnlyList<long> segments, long nextSequence)
    {
        ArgumentNullException.ThrowIfNull(segments);
        _next = nextSequence;
        var states = segments.Distinct().Order().Select(n => (Number: n, State: new GrainState<TSegment>(new TSegment()))).ToList();
        await Task.WhenAll(states.Select(s => _storage.ReadStateAsync(_prefix + s.Number, _grain, s.State)));
        foreach (var (number, state) in states.Where(s => s.State.RecordExists))
        {
            _stored[number] = state;
            var items = Segment(number);
            foreach (var item in (state.State is null ? null : ItemsOf(state.State)) ?? [])
            {
                var job = JobOf(item);
                if (_segmentOf.TryGetValue(job, out var other))
                {
                    if (AttemptOf(_segments[other][job]) >= AttemptOf(item))
                    {
                        _dirty.Add(number);
                        continue;
                    }

                    _segments[other].Remove(job);
                    _dirty.Add(other);
                }

                items[job] = item;
                _segmentOf[job] = number;
            }
        }
    }

    /// <summary>Adds an item at the newest segment (moving it there if its job was held with another item); nothing
    /// when the same item is held already. Written with the next <see cref="WriteAsync"/>.</summary>
    public void Add(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var job = JobOf(item);
        if (_segmentOf.TryGetValue(job, out var at))
        {
            var held = _segments[at][job];
            if (ReferenceEquals(held, item) || held.Equals(item))
            {
                return;
            }

            _segments[at].Remove(job);
            _dirty.Add(at);
        }

        var number = NumberOf(_next++);
        if (number > 0 && number != NumberOf(_next - 2) && _segments.TryGetValue(number - 1, out var before) && before.Count == 0)
        {
            // The first arrival of a new segment: the one before, emptied while it was the newest, is cleared by the
            // next write (one that still holds items is cleared when its last one leaves).
            _dirty.Add(number - 1);
        }

        Segment(number)[job] = item;
        _segmentOf[job] = number;
        _dirty.Add(number);
    }

    /// <summary>Forgets a job's item; written with the next <see cref="WriteAsync"/>.</summary>
    public void Remove(string jobId)
    {
        if (_segmentOf.Remove(jobId, out var number))
        {
            _segments[number].Remove(jobId);
            _dirty.Add(number);
        }
    }

    /// <summary>
    /// Writes the segments changed since the last write and clears those emptied (the newest stays, written empty:
    /// arrivals go on filling it). Each segment is copied before its write starts, so changes made while it runs go
    /// with the next one; a segment whose write failed stays to be written.
    /// </summary>
    public async Task WriteAsync()
    {
        if (_dirty.Count == 0)
        {
            return;
        }

        var newest = NumberOf(_next);
        var numbers = _dirty.ToArray();
        _dirty.Clear();
        var writes = new List<Task>(numbers.Length);
        foreach (var number in numbers)
        {
            var items = _segments.GetValueOrDefault(number);
            if ((items is null || items.Count == 0) && number < newest)
            {
                _segments.Remove(number);
                writes.Add(ClearAsync(number));
            }
            else
            {
                writes.Add(WriteSegmentAsync(number, items is null ? [] : [.. items.Values]));
            }
        }

        try
        {
            await Task.WhenAll(writes);
        }
        catch
        {
            _dirty.UnionWith(numbers);
            throw;
        }
    }

    private Dictionary<string, T> Segment(long number)
    {
        if (!_segments.TryGetValue(number, out var items))
        {
            _segments[number] = items = new Dictionary<string, T>(StringComparer.Ordinal);
        }

        return items;
    }

    private async Task WriteSegmentAsync(long number, List<T> items)
    {
        if (!_stored.TryGetValue(number, out var stored))
        {
            // A segment new to this activation may have been written by an earlier one whose main state write was
            // lost: read it first, so the write replaces it instead of failing on its version.
            stored = new GrainState<TSegment>(new TSegment());
            await _storage.ReadStateAsync(_prefix + number, _grain, stored);
            _stored[number] = stored;
        }

        stored.State = SegmentOf(items);
        await _storage.WriteStateAsync(_prefix + number, _grain, stored);
    }

    private async Task ClearAsync(long number)
    {
        if (_stored.TryGetValue(number, out var stored) && stored.RecordExists)
        {
            await _storage.ClearStateAsync(_prefix + number, _grain, stored);
        }

        _stored.Remove(number);
    }
}
