namespace Foresight.Forecasting.Intervals;

/// <summary>
/// Walk-forward conformal intervals for a model forecast again and again from new origins: the calibration scores are
/// the absolute errors already observed before the current origin (seeded with backtest errors), each divided by the
/// local scale at its origin (<see cref="LocalScale"/>), so a volatile stretch gets wide intervals and a calm one narrow
/// ones (normalized conformal). The half-width at step k is the conformal quantile of the scores at step k (neighbouring
/// steps pooled until <c>minPool</c> scores, the newest <c>window</c> per step kept) times the current local scale.
/// The quantile's level adapts to the coverage observed so far (adaptive conformal inference, Gibbs &amp; Candès 2021):
/// α ← α + γ·(α* − miss), so after a level shift that the scores do not yet hold, the misses widen the intervals.
/// Only outcomes observed before an origin ever reach the scores, so the intervals are honest out of sample.
/// </summary>
public sealed class OnlineConformal
{
    private readonly Queue<double>[] _scores;
    private readonly int _window;
    private readonly int _minPool;
    private readonly double _target;
    private readonly double _gamma;
    private double _alpha;

    /// <param name="horizon">Steps per forecast (at least 1).</param>
    /// <param name="level">Nominal level in percent, in (0, 100).</param>
    /// <param name="window">Newest scores kept per step (at least 1).</param>
    /// <param name="gamma">Adaptation rate of the level per observed outcome (0: plain normalized conformal).</param>
    /// <param name="minPool">Scores pooled from neighbouring steps before a quantile is taken.</param>
    public OnlineConformal(int horizon, double level = 95, int window = 400, double gamma = 0.002, int minPool = 30)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(gamma);
        if (!(level > 0 && level < 100))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "The interval level must be within (0, 100).");
        }

        _scores = Enumerable.Range(0, horizon).Select(_ => new Queue<double>()).ToArray();
        _window = window;
        _minPool = Math.Max(1, minPool);
        _target = 1 - (level / 100);
        _alpha = _target;
        _gamma = gamma;
    }

    /// <summary>The calibrated horizon (steps).</summary>
    public int Horizon => _scores.Length;

    /// <summary>The level (percent) the next interval is taken at, after adaptation.</summary>
    public double CurrentLevel => 100 * (1 - Math.Clamp(_alpha, 0, 1));

    /// <summary>Scores held at <paramref name="step"/> (0-based).</summary>
    public int Count(int step) => _scores[Math.Clamp(step, 0, _scores.Length - 1)].Count;

    /// <summary>
    /// The local scale at <paramref name="origin"/>: the mean absolute step-to-step change over the last
    /// <paramref name="span"/> values before it, never below a quarter of the same over the whole history before it
    /// (a flat stretch still gets an interval) and always positive.
    /// </summary>
    public static double LocalScale(IReadOnlyList<double> y, int origin, int span)
    {
        ArgumentNullException.ThrowIfNull(y);
        origin = Math.Clamp(origin, 0, y.Count);
        double recent = MeanAbsDiff(y, Math.Max(1, origin - Math.Max(1, span)), origin);
        double overall = MeanAbsDiff(y, 1, origin);
        double level = 0;
        for (int i = 0; i < origin; i++)
        {
            level += Math.Abs(y[i]);
        }

        level = origin > 0 ? level / origin : 0;
        double s = Math.Max(recent, 0.25 * overall);
        return s > 0 && double.IsFinite(s) ? s : 1e-6 * (1 + level);
    }

    /// <summary>
    /// The local scale of each step 1..<paramref name="horizon"/> forecast from <paramref name="origin"/>: the mean
    /// absolute step-to-step change around the target's phase of the day (±<paramref name="halfWidth"/> steps) on the
    /// last <paramref name="days"/> days whose window lies before the origin, so a forecast into a quiet night gets a
    /// small scale and one into a busy hour a large one; never below a quarter of the mean absolute change over the
    /// whole history before the origin, and always positive. Without a daily season (<paramref name="season"/> &lt; 2)
    /// every step gets <see cref="LocalScale"/>.
    /// </summary>
    public static double[] PhaseScales(IReadOnlyList<double> y, int origin, int horizon, int season, int halfWidth, int days = 3)
    {
        ArgumentNullException.ThrowIfNull(y);
        origin = Math.Clamp(origin, 0, y.Count);
        var scales = new double[Math.Max(0, horizon)];
        if (season < 2)
        {
            Array.Fill(scales, LocalScale(y, origin, season));
            return scales;
        }

        halfWidth = Math.Clamp(halfWidth, 0, (season - 1) / 2);
        double overall = MeanAbsDiff(y, 1, origin);
        double level = 0;
        for (int i = 0; i < origin; i++)
        {
            level += Math.Abs(y[i]);
        }

        level = origin > 0 ? level / origin : 0;
        for (int k = 1; k <= scales.Length; k++)
        {
            // The same phase on the latest day whose window ends before the origin, then the days before it.
            int reference = origin + k - 1 - (season * ((k + halfWidth + season - 1) / season));
            double sum = 0;
            int n = 0;
            for (int d = 0; d < Math.Max(1, days); d++)
            {
                int at = reference - (d * season);
                for (int i = Math.Max(1, at - halfWidth); i <= at + halfWidth && i < origin; i++)
                {
                    sum += Math.Abs(y[i] - y[i - 1]);
                    n++;
                }
            }

            double s = Math.Max(n > 0 ? sum / n : overall, 0.25 * overall);
            scales[k - 1] = s > 0 && double.IsFinite(s) ? s : 1e-6 * (1 + level);
        }

        return scales;
    }

    /// <summary>
    /// The local scale of each step of a forecast of a non-negative (count-like) series: the forecast's own level
    /// <paramref name="mean"/>, floored at a quarter of the mean level of the history before <paramref name="origin"/>
    /// and always positive — the spread of counts grows with their level, so after a rise from 50 to 110 arrivals per
    /// step the interval widens in proportion. Used when no earlier day is observed for <see cref="PhaseScales"/>.
    /// </summary>
    public static double[] LevelScales(IReadOnlyList<double> y, int origin, IReadOnlyList<double> mean)
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(mean);
        origin = Math.Clamp(origin, 0, y.Count);
        double level = 0;
        for (int i = 0; i < origin; i++)
        {
            level += Math.Abs(y[i]);
        }

        level = origin > 0 ? level / origin : 0;
        var scales = new double[mean.Count];
        for (int k = 0; k < scales.Length; k++)
        {
            double s = Math.Max(double.IsFinite(mean[k]) ? Math.Abs(mean[k]) : level, 0.25 * level);
            scales[k] = s > 0 && double.IsFinite(s) ? s : 1e-6 * (1 + level);
        }

        return scales;
    }

    /// <summary>Adds calibration errors (actual − forecast, one array per backtest window) without changing the level.</summary>
    public void Seed(IReadOnlyList<double[]> errorsByWindow, IReadOnlyList<double> scales)
    {
        ArgumentNullException.ThrowIfNull(errorsByWindow);
        ArgumentNullException.ThrowIfNull(scales);
        if (scales.Count != errorsByWindow.Count)
        {
            throw new ArgumentException("One scale per window of errors is needed.", nameof(scales));
        }

        for (int w = 0; w < errorsByWindow.Count; w++)
        {
            for (int k = 0; k < Math.Min(errorsByWindow[w].Length, _scores.Length); k++)
            {
                Add(k, errorsByWindow[w][k], scales[w]);
            }
        }
    }

    /// <summary>Adds calibration errors (one array per backtest window) with a local scale per window and step, without changing the level.</summary>
    public void SeedPerStep(IReadOnlyList<double[]> errorsByWindow, IReadOnlyList<double[]> scales)
    {
        ArgumentNullException.ThrowIfNull(errorsByWindow);
        ArgumentNullException.ThrowIfNull(scales);
        if (scales.Count != errorsByWindow.Count)
        {
            throw new ArgumentException("One array of scales per window of errors is needed.", nameof(scales));
        }

        for (int w = 0; w < errorsByWindow.Count; w++)
        {
            for (int k = 0; k < Math.Min(Math.Min(errorsByWindow[w].Length, scales[w].Length), _scores.Length); k++)
            {
                Add(k, errorsByWindow[w][k], scales[w][k]);
            }
        }
    }

    /// <summary>
    /// An outcome observed after its origin: the error (actual − forecast) at <paramref name="step"/> (0-based), the
    /// local scale at its origin, and whether the interval issued for it covered it (which adapts the level).
    /// </summary>
    public void Observe(int step, double error, double scale, bool covered)
    {
        Add(step, error, scale);
        _alpha += _gamma * (_target - (covered ? 0 : 1));
        _alpha = Math.Clamp(_alpha, 0, 0.5);
    }

    /// <summary>Half-width at <paramref name="step"/> (0-based) for a forecast made where the local scale is <paramref name="scale"/>; beyond the horizon it grows with √step.</summary>
    public double HalfWidth(int step, double scale)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        int s = Math.Min(step, _scores.Length - 1);
        var pool = new List<double>(_scores[s]);
        for (int band = 1; pool.Count < _minPool && band < _scores.Length; band++)
        {
            if (s - band >= 0)
            {
                pool.AddRange(_scores[s - band]);
            }

            if (s + band < _scores.Length)
            {
                pool.AddRange(_scores[s + band]);
            }
        }

        if (pool.Count == 0)
        {
            return 0;
        }

        pool.Sort();
        double level = 1 - Math.Clamp(_alpha, 0, 1);
        int rank = (int)Math.Ceiling((pool.Count + 1) * level);
        double q = pool[Math.Clamp(rank, 1, pool.Count) - 1];
        double grow = step < _scores.Length ? 1 : Math.Sqrt((step + 1.0) / _scores.Length);
        return q * scale * grow;
    }

    /// <summary>The interval around <paramref name="mean"/> (lower bounds clipped at <paramref name="floor"/>).</summary>
    public PredictionInterval Interval(double[] mean, double scale, double floor = double.NegativeInfinity)
    {
        ArgumentNullException.ThrowIfNull(mean);
        var lo = new double[mean.Length];
        var hi = new double[mean.Length];
        for (int k = 0; k < mean.Length; k++)
        {
            double w = HalfWidth(k, scale);
            lo[k] = Math.Max(floor, mean[k] - w);
            hi[k] = mean[k] + w;
        }

        return new PredictionInterval(CurrentLevel, lo, hi);
    }

    /// <summary>The interval around <paramref name="mean"/> with a local scale per step (lower bounds clipped at <paramref name="floor"/>).</summary>
    public PredictionInterval Interval(double[] mean, IReadOnlyList<double> scales, double floor = double.NegativeInfinity)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(scales);
        var lo = new double[mean.Length];
        var hi = new double[mean.Length];
        for (int k = 0; k < mean.Length; k++)
        {
            double w = HalfWidth(k, scales[Math.Min(k, scales.Count - 1)]);
            lo[k] = Math.Max(floor, mean[k] - w);
            hi[k] = mean[k] + w;
        }

        return new PredictionInterval(CurrentLevel, lo, hi);
    }

    private void Add(int step, double error, double scale)
    {
        if (step < 0 || step >= _scores.Length || !double.IsFinite(error) || !(scale > 0))
        {
            return;
        }

        var q = _scores[step];
        q.Enqueue(Math.Abs(error) / scale);
        while (q.Count > _window)
        {
            q.Dequeue();
        }
    }

    private static double MeanAbsDiff(IReadOnlyList<double> y, int from, int to)
    {
        double sum = 0;
        int n = 0;
        for (int i = Math.Max(1, from); i < to; i++)
        {
            sum += Math.Abs(y[i] - y[i - 1]);
            n++;
        }

        return n > 0 ? sum / n : 0;
    }
}
