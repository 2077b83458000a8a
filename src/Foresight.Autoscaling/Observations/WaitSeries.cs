namespace Foresight.Autoscaling.Observations;

/// <summary>
/// Queue waits and queue depth of one pool per time bucket (one minute unless set), for the last
/// <see cref="Buckets"/> buckets: each bucket keeps the waits of the jobs that started in it (at most
/// <see cref="MaxWaitsPerBucket"/>; past that, a uniform sample of them) and the largest queue depth seen. Pure: the caller says what time it is.
/// </summary>
public sealed class WaitSeries(TimeSpan bucket, int buckets)
{
    public const int MaxWaitsPerBucket = 4096;

    private readonly Queue<Slot> _slots = new();

    // Chooses which waits a full bucket keeps; seeded, so the same events give the same figures.
#pragma warning disable CA5394 // sampling, not security
    private readonly Random _random = new(17);
#pragma warning restore CA5394

    public TimeSpan Bucket { get; } = bucket > TimeSpan.Zero ? bucket : throw new ArgumentOutOfRangeException(nameof(bucket), bucket, "must be positive");

    public int Buckets { get; } = buckets > 0 ? buckets : throw new ArgumentOutOfRangeException(nameof(buckets), buckets, "must be positive");

    /// <summary>A job started at <paramref name="at"/> after waiting <paramref name="wait"/> (negative waits count as 0).</summary>
    public void AddWait(DateTimeOffset at, TimeSpan wait)
    {
        var slot = SlotAt(at);
        if (slot is null)
        {
            return;
        }

        slot.Started++;
        var seconds = Math.Max(0, wait.TotalSeconds);
        if (slot.Waits.Count < MaxWaitsPerBucket)
        {
            slot.Waits.Add(seconds);
            return;
        }

        // Reservoir sampling (Vitter's algorithm R): every start of the bucket is kept with the same probability.
        var j = _random.Next(slot.Started);
        if (j < MaxWaitsPerBucket)
        {
            slot.Waits[j] = seconds;
        }
    }

    /// <summary>The pool's queue depth at <paramref name="at"/>; a bucket keeps the largest it saw.</summary>
    public void AddQueueDepth(DateTimeOffset at, int depth)
    {
        if (SlotAt(at) is { } slot)
        {
            slot.QueueDepth = Math.Max(slot.QueueDepth, Math.Max(0, depth));
        }
    }

    /// <summary>Every kept bucket, oldest first: start, jobs started, wait p50 and p95 in seconds (null without starts), largest queue depth.</summary>
    public IReadOnlyList<(DateTimeOffset Start, int Started, double? WaitP50, double? WaitP95, int QueueDepth)> Points() =>
        [.. _slots.Select(s => (s.Start, s.Started, Quantile(s.Waits, 0.50), Quantile(s.Waits, 0.95), s.QueueDepth))];

    private Slot? SlotAt(DateTimeOffset at)
    {
        var start = new DateTimeOffset(at.UtcTicks - (at.UtcTicks % Bucket.Ticks), TimeSpan.Zero);
        if (_slots.Count > 0 && start < _slots.Last().Start)
        {
            // Late events land in their own bucket when it is still kept, else are dropped.
            return _slots.FirstOrDefault(s => s.Start == start);
        }

        if (_slots.Count == 0 || _slots.Last().Start != start)
        {
            _slots.Enqueue(new Slot(start));
            while (_slots.Count > Buckets)
            {
                _slots.Dequeue();
            }
        }

        return _slots.Last();
    }

    /// <summary>The nearest-rank quantile, or null for no values.</summary>
    private static double? Quantile(List<double> values, double q)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(q * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }

    private sealed class Slot(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;

        public List<double> Waits { get; } = [];

        public int Started { get; set; }

        public int QueueDepth { get; set; }
    }
}
