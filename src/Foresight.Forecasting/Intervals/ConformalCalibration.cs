namespace Foresight.Forecasting.Intervals;

/// <summary>
/// Split-conformal intervals per horizon step from out-of-sample (rolling-origin) errors: the interval at step h is
/// mean ± the ⌈(n+1)·level⌉-th smallest |error| among the calibration errors at step h. With few windows the errors
/// of neighbouring steps are pooled (a band grown until it holds <c>minPool</c> errors); beyond the calibrated horizon
/// the last step's width grows with √h.
/// </summary>
public sealed class ConformalCalibration
{
    private readonly double[][] _pooled;

    private ConformalCalibration(double[][] pooled) => _pooled = pooled;

    /// <summary>Calibrated horizon (steps).</summary>
    public int Horizon => _pooled.Length;

    /// <summary>Builds the calibration from signed errors, one array per window (all of the same length).</summary>
    public static ConformalCalibration FromErrors(IReadOnlyList<double[]> errorsByWindow, int minPool = 30)
    {
        if (errorsByWindow.Count == 0 || errorsByWindow[0].Length == 0)
        {
            throw new ArgumentException("Conformal calibration needs at least one window of errors.", nameof(errorsByWindow));
        }

        int h = errorsByWindow.Min(e => e.Length);
        var pooled = new double[h][];
        for (int step = 0; step < h; step++)
        {
            var list = new List<double>();
            for (int band = 0; band < h && (list.Count < minPool || band == 0); band++)
            {
                foreach (int s in band == 0 ? new[] { step } : new[] { step - band, step + band })
                {
                    if (s >= 0 && s < h)
                    {
                        list.AddRange(errorsByWindow.Select(e => Math.Abs(e[s])).Where(double.IsFinite));
                    }
                }
            }

            var arr = list.ToArray();
            Array.Sort(arr);
            pooled[step] = arr;
        }

        return new ConformalCalibration(pooled);
    }

    /// <summary>Half-width of the central interval at <paramref name="level"/> percent, <paramref name="step"/> 0-based.</summary>
    public double HalfWidth(int step, double level)
    {
        int s = Math.Min(step, _pooled.Length - 1);
        var errs = _pooled[s];
        if (errs.Length == 0)
        {
            return 0;
        }

        int rank = (int)Math.Ceiling((errs.Length + 1) * level / 100.0);
        double q = errs[Math.Clamp(rank, 1, errs.Length) - 1];
        return step < _pooled.Length ? q : q * Math.Sqrt((step + 1.0) / _pooled.Length);
    }

    /// <summary>Intervals around <paramref name="mean"/> for each level.</summary>
    public IReadOnlyList<PredictionInterval> Intervals(double[] mean, IReadOnlyList<double> levels) =>
        levels.Select(level =>
        {
            var lo = new double[mean.Length];
            var hi = new double[mean.Length];
            for (int i = 0; i < mean.Length; i++)
            {
                double w = HalfWidth(i, level);
                lo[i] = mean[i] - w;
                hi[i] = mean[i] + w;
            }

            return new PredictionInterval(level, lo, hi);
        }).ToList();
}
