namespace Foresight.Forecasting.Online;

/// <summary>
/// One served forecast point scored against what arrived: the target bucket's index, how many buckets ahead of the
/// last complete bucket it was forecast (<paramref name="Horizon"/>, 1 = the bucket in progress when it was served),
/// the absolute error, the error scaled by the history's in-sample mean absolute seasonal-naive error (MASE's scale;
/// NaN when that scale is 0) and whether the actual fell inside the forecast's interval.
/// </summary>
public readonly record struct ScoredError(long Target, int Horizon, double AbsoluteError, double ScaledError, bool Hit)
{
    /// <summary>Scores <paramref name="actual"/> against a forecast of <paramref name="mean"/> in [<paramref name="lower"/>, <paramref name="upper"/>].</summary>
    public static ScoredError Of(long target, int horizon, double actual, double mean, double lower, double upper, double scale)
    {
        var error = Math.Abs(actual - mean);
        return new ScoredError(target, horizon, error, scale > 0 && double.IsFinite(scale) ? error / scale : double.NaN,
            actual >= lower - 1e-9 && actual <= upper + 1e-9);
    }
}

/// <summary>Rolling live figures of one horizon (or of all, <see cref="Horizon"/> 0): count, MAE, mean scaled error, interval hit rate.</summary>
public sealed record HorizonAccuracy(int Horizon, int Count, double Mae, double Mase, double HitRate);

/// <summary>
/// Live accuracy of one model of one pool: per horizon, the last <c>window</c> scored points, with running sums so a
/// summary costs one pass over the horizons. Bounded: at most <c>window</c> × <c>maxHorizon</c> points; points past
/// <c>maxHorizon</c> are not kept.
/// </summary>
public sealed class LiveAccuracy
{
    private readonly Ring[] _horizons;

    /// <summary>An empty accumulator keeping <paramref name="window"/> points for each horizon 1..<paramref name="maxHorizon"/>.</summary>
    public LiveAccuracy(int window, int maxHorizon)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHorizon, 1);
        Window = window;
        _horizons = Enumerable.Range(0, maxHorizon).Select(_ => new Ring(window)).ToArray();
    }

    public int Window { get; }

    public int MaxHorizon => _horizons.Length;

    /// <summary>Adds a scored point; false when its horizon is outside 1..<see cref="MaxHorizon"/>.</summary>
    public bool Add(ScoredError point)
    {
        if (point.Horizon < 1 || point.Horizon > _horizons.Length || !double.IsFinite(point.AbsoluteError))
        {
            return false;
        }

        _horizons[point.Horizon - 1].Add(point);
        return true;
    }

    /// <summary>The points kept, horizon by horizon, oldest first within a horizon.</summary>
    public IEnumerable<ScoredError> Retained => _horizons.SelectMany(h => h.Items());

    /// <summary>Figures of every horizon that has points.</summary>
    public IReadOnlyList<HorizonAccuracy> ByHorizon() =>
        [.. _horizons.Select((r, i) => r.Summary(i + 1)).Where(s => s.Count > 0)];

    /// <summary>Figures over every point kept (horizon 0).</summary>
    public HorizonAccuracy Overall()
    {
        int n = 0, scaled = 0, hits = 0;
        double abs = 0, sc = 0;
        foreach (var r in _horizons)
        {
            n += r.Count;
            scaled += r.ScaledCount;
            hits += r.Hits;
            abs += r.AbsoluteSum;
            sc += r.ScaledSum;
        }

        return new HorizonAccuracy(0, n, n == 0 ? double.NaN : abs / n, scaled == 0 ? double.NaN : sc / scaled, n == 0 ? double.NaN : (double)hits / n);
    }

    /// <summary>A ring of one horizon's points with running sums (recomputed from the ring when it wraps, so rounding does not drift).</summary>
    private sealed class Ring(int capacity)
    {
        private readonly ScoredError[] _items = new ScoredError[capacity];
        private int _next;
        private long _added;

        public int Count { get; private set; }

        public int ScaledCount { get; private set; }

        public int Hits { get; private set; }

        public double AbsoluteSum { get; private set; }

        public double ScaledSum { get; private set; }

        public void Add(ScoredError p)
        {
            if (Count == _items.Length)
            {
                Remove(_items[_next]);
            }
            else
            {
                Count++;
            }

            _items[_next] = p;
            _next = (_next + 1) % _items.Length;
            AbsoluteSum += p.AbsoluteError;
            Hits += p.Hit ? 1 : 0;
            if (double.IsFinite(p.ScaledError))
            {
                ScaledSum += p.ScaledError;
                ScaledCount++;
            }

            if (++_added % _items.Length == 0)
            {
                Resum();
            }
        }

        public IEnumerable<ScoredError> Items()
        {
            var start = Count == _items.Length ? _next : 0;
            for (var i = 0; i < Count; i++)
            {
                yield return _items[(start + i) % _items.Length];
            }
        }

        public HorizonAccuracy Summary(int horizon) => new(
            horizon, Count, Count == 0 ? double.NaN : AbsoluteSum / Count, ScaledCount == 0 ? double.NaN : ScaledSum / ScaledCount,
            Count == 0 ? double.NaN : (double)Hits / Count);

        private void Remove(ScoredError p)
        {
            AbsoluteSum -= p.AbsoluteError;
            Hits -= p.Hit ? 1 : 0;
            if (double.IsFinite(p.ScaledError))
            {
                ScaledSum -= p.ScaledError;
                ScaledCount--;
            }
        }

        private void Resum()
        {
            AbsoluteSum = ScaledSum = 0;
            ScaledCount = 0;
            foreach (var p in Items())
            {
                AbsoluteSum += p.AbsoluteError;
                if (double.IsFinite(p.ScaledError))
                {
                    ScaledSum += p.ScaledError;
                    ScaledCount++;
                }
            }
        }
    }
}
