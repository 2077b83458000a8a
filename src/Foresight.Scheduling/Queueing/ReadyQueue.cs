using System.Diagnostics.CodeAnalysis;

namespace Foresight.Scheduling.Queueing;

/// <summary>
/// Ready jobs ordered by priority with aging, FIFO within a priority. Higher priority numbers are more urgent,
/// and every <see cref="AgingInterval"/> of waiting is worth one priority level, so nothing starves.
/// </summary>
/// <remarks>
/// Effective priority at <c>now</c> is <c>priority + (now − enqueuedAt) / AgingInterval</c>. Comparing two jobs,
/// <c>now</c> cancels out: a goes first iff <c>enqueuedAt_a − priority_a·AgingInterval</c> is earlier. That
/// "virtual enqueue tick" is fixed at enqueue time, so the order never needs re-sorting as time passes. Ties
/// (same tick) go to the earlier <see cref="Enqueue"/> call. An ordering delay (e.g. a shortest-job-first policy's
/// penalty for a long predicted run) is added to the tick: the job ranks as if enqueued that much later, so it is
/// overtaken only by jobs enqueued before its tick and its wait stays bounded. Not thread-safe: one owner (a grain or the simulator).
/// </remarks>
public sealed class ReadyQueue<T>
    where T : notnull
{
    private readonly SortedSet<Entry> _ordered = new(EntryOrder.Instance);
    private readonly Dictionary<string, Entry> _byId = new(StringComparer.Ordinal);
    private readonly long _agingTicks;
    private long _nextSequence;

    /// <param name="agingInterval">Waiting time worth one priority level; must be positive.</param>
    public ReadyQueue(TimeSpan agingInterval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(agingInterval, TimeSpan.Zero);
        AgingInterval = agingInterval;
        _agingTicks = agingInterval.Ticks;
    }

    /// <summary>A queue with <see cref="ReadyQueue.DefaultAgingInterval"/>.</summary>
    public ReadyQueue()
        : this(ReadyQueue.DefaultAgingInterval)
    {
    }

    public TimeSpan AgingInterval { get; }

    public int Count => _ordered.Count;

    /// <summary>The entries in dispatch order; for the owner's hot path (struct enumerator, no allocation per item).</summary>
    internal SortedSet<Entry> Ordered => _ordered;

    /// <param name="id">Unique among queued items.</param>
    /// <param name="item">The item.</param>
    /// <param name="priority">Higher is more urgent; one level is worth <see cref="AgingInterval"/> of waiting.</param>
    /// <param name="enqueuedAt">When it was queued.</param>
    /// <param name="orderingDelay">Ranks the item as if queued this much later (non-negative); default none.</param>
    /// <exception cref="InvalidOperationException">An item with <paramref name="id"/> is already queued.</exception>
    public void Enqueue(string id, T item, int priority, DateTimeOffset enqueuedAt, TimeSpan orderingDelay = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(item);
        ArgumentOutOfRangeException.ThrowIfLessThan(orderingDelay, TimeSpan.Zero);
        if (_byId.ContainsKey(id))
        {
            throw new InvalidOperationException($"'{id}' is already queued.");
        }

        // Int128: priority·interval can exceed a long for extreme priorities or intervals.
        var tick = (Int128)enqueuedAt.UtcTicks - ((Int128)priority * _agingTicks) + orderingDelay.Ticks;
        var entry = new Entry(id, item, priority, enqueuedAt, tick, _nextSequence++);
        _ordered.Add(entry);
        _byId.Add(id, entry);
    }

    public bool Remove(string id)
    {
        if (id is null || !_byId.Remove(id, out var entry))
        {
            return false;
        }

        _ordered.Remove(entry);
        return true;
    }

    public bool Contains(string id) => id is not null && _byId.ContainsKey(id);

    /// <summary>Looks up a queued item with its priority and enqueue time.</summary>
    public bool TryGet(string id, out QueuedItem<T> queued)
    {
        if (id is not null && _byId.TryGetValue(id, out var entry))
        {
            queued = entry.ToQueuedItem();
            return true;
        }

        queued = default;
        return false;
    }

    /// <summary>All items, highest effective priority first.</summary>
    public IEnumerable<(string Id, T Item)> InOrder()
    {
        foreach (var entry in _ordered)
        {
            yield return (entry.Id, entry.Item);
        }
    }

    /// <summary>All items with their priority and enqueue time, highest effective priority first.</summary>
    public IEnumerable<QueuedItem<T>> Entries()
    {
        foreach (var entry in _ordered)
        {
            yield return entry.ToQueuedItem();
        }
    }

    /// <summary>The item that would be dispatched first.</summary>
    public bool TryPeek([MaybeNullWhen(false)] out string id, [MaybeNullWhen(false)] out T item)
    {
        if (_ordered.Count == 0)
        {
            id = null;
            item = default;
            return false;
        }

        var first = _ordered.Min!;
        id = first.Id;
        item = first.Item;
        return true;
    }

    /// <summary>Removes and returns the item that would be dispatched first.</summary>
    public bool TryDequeue([MaybeNullWhen(false)] out string id, [MaybeNullWhen(false)] out T item)
    {
        if (!TryPeek(out id, out item))
        {
            return false;
        }

        Remove(id);
        return true;
    }

    /// <summary><c>priority + (now − enqueuedAt) / AgingInterval</c>.</summary>
    /// <exception cref="KeyNotFoundException"><paramref name="id"/> is not queued.</exception>
    public double EffectivePriority(string id, DateTimeOffset now)
    {
        if (id is null || !_byId.TryGetValue(id, out var entry))
        {
            throw new KeyNotFoundException($"'{id}' is not queued.");
        }

        return entry.Priority + ((now - entry.EnqueuedAt) / AgingInterval);
    }

    /// <summary>Orders entries of any <see cref="ReadyQueue{T}"/> with the same aging interval, e.g. to merge two queues.</summary>
    internal static IComparer<Entry> Order => EntryOrder.Instance;

    internal void RemoveEntry(Entry entry)
    {
        _byId.Remove(entry.Id);
        _ordered.Remove(entry);
    }

    /// <summary>Adds an entry taken from another queue with the same aging interval, keeping its place in the order.</summary>
    internal void AddEntry(Entry entry)
    {
        if (!_byId.TryAdd(entry.Id, entry))
        {
            throw new InvalidOperationException($"'{entry.Id}' is already queued.");
        }

        _ordered.Add(entry);
    }

    internal sealed class Entry(string id, T item, int priority, DateTimeOffset enqueuedAt, Int128 virtualTick, long sequence)
    {
        public string Id { get; } = id;

        public T Item { get; } = item;

        public int Priority { get; } = priority;

        public DateTimeOffset EnqueuedAt { get; } = enqueuedAt;

        public Int128 VirtualTick { get; } = virtualTick;

        public long Sequence { get; } = sequence;

        public QueuedItem<T> ToQueuedItem() => new(Id, Item, Priority, EnqueuedAt);
    }

    private sealed class EntryOrder : IComparer<Entry>
    {
        public static readonly EntryOrder Instance = new();

        public int Compare(Entry? x, Entry? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            if (x is null)
            {
                return -1;
            }

            if (y is null)
            {
                return 1;
            }

            int byTick = x.VirtualTick.CompareTo(y.VirtualTick);
            return byTick != 0 ? byTick : x.Sequence.CompareTo(y.Sequence);
        }
    }
}
