using Foresight.Abstractions.Autoscaling;

namespace Foresight.Grains.Autoscaling;

/// <summary>
/// Arrivals per bucket in a ring buffer of fixed capacity (two weeks of 5-minute buckets by default): bounded,
/// persisted with the AutoscalerGrain. Events are counted in the bucket of their own time, so a late batch still
/// lands where it belongs; one older than the ring is dropped.
/// </summary>
[GenerateSerializer]
public sealed class ArrivalHistory
{
    [Id(0)] public long BucketTicks { get; set; }

    [Id(1)] public double[] Counts { get; set; } = [];

    /// <summary>Index (time / bucket) of the newest bucket written, or <see cref="long.MinValue"/> when empty.</summary>
    [Id(2)] public long Newest { get; set; } = long.MinValue;

    /// <summary>Index of the oldest bucket any event fell into.</summary>
    [Id(3)] public long First { get; set; } = long.MaxValue;

    /// <summary>An empty history of <paramref name="capacity"/> buckets of <paramref name="bucket"/>.</summary>
    public static ArrivalHistory Create(TimeSpan bucket, int capacity) => new() { BucketTicks = bucket.Ticks, Counts = new double[capacity] };

    /// <summary>True when the history was made with other bucket settings than these (it is then started afresh).</summary>
    public bool Differs(TimeSpan bucket, int capacity) => BucketTicks != bucket.Ticks || Counts.Length != capacity;

    /// <summary>Counts <paramref name="n"/> arrivals at <paramref name="at"/>; false when it is older than the ring holds.</summary>
    public bool Add(DateTimeOffset at, double n = 1)
    {
        var b = at.UtcTicks / BucketTicks;
        var capacity = Counts.Length;
        if (Newest != long.MinValue && b <= Newest - capacity)
        {
            return false;
        }

        if (Newest == long.MinValue || b > Newest)
        {
            var from = Newest == long.MinValue ? b : Math.Max(Newest + 1, b - capacity + 1);
            for (var i = from; i <= b; i++)
            {
                Counts[Slot(i)] = 0;
            }

            Newest = b;
        }

        First = Math.Min(First, b);
        Counts[Slot(b)] += n;
        return true;
    }

    /// <summary>Complete buckets (those before the one holding <paramref name="now"/>), oldest first, at most the capacity.</summary>
    public ArrivalHistoryView Complete(DateTimeOffset now)
    {
        var bucket = TimeSpan.FromTicks(BucketTicks);
        var last = (now.UtcTicks / BucketTicks) - 1;
        if (First == long.MaxValue || last < First)
        {
            return new ArrivalHistoryView(new DateTimeOffset((last + 1) * BucketTicks, TimeSpan.Zero), bucket, []);
        }

        var start = Math.Max(First, last - Counts.Length + 1);
        var values = new double[last - start + 1];
        for (var b = start; b <= last; b++)
        {
            values[b - start] = b > Newest || b <= Newest - Counts.Length ? 0 : Counts[Slot(b)];
        }

        return new ArrivalHistoryView(new DateTimeOffset(start * BucketTicks, TimeSpan.Zero), bucket, values);
    }

    private int Slot(long b) => (int)(((b % Counts.Length) + Counts.Length) % Counts.Length);
}
