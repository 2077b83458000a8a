namespace Foresight.Forecasting.Models.Gbm;

/// <summary>
/// <see cref="LevelGbmForecaster"/> fitted on one series: one tree ensemble per horizon band and the band's sorted
/// absolute training errors, conditioned on the latest values (a tail long enough for every feature).
/// <see cref="Refresh"/> conditions the same trees on a newer history of the series.
/// </summary>
public sealed class LevelGbmFitted : IRefreshableFitted
{
    private readonly GbmTrees[] _trees;
    private readonly double[][] _errors;
    private readonly int[] _bandEnds;
    private readonly LevelGbmFeatures _features;
    private readonly GbmCalendar _calendar;
    private readonly bool _nonNegative;
    private readonly int _horizon;
    private readonly DateTimeOffset _start;
    private readonly TimeSpan _frequency;
    private readonly double[] _tail;
    private readonly long _tailStart;
    private readonly double _level;

    internal LevelGbmFitted(GbmTrees[] trees, double[][] errors, int[] bandEnds, LevelGbmFeatures features, GbmCalendar calendar, bool nonNegative, int horizon, DateTimeOffset start, TimeSpan frequency, IReadOnlyList<double> values, long indexOffset = 0)
    {
        _trees = trees;
        _errors = errors;
        _bandEnds = bandEnds;
        _features = features;
        _calendar = calendar;
        _nonNegative = nonNegative;
        _horizon = horizon;
        _start = start;
        _frequency = frequency;
        var reach = features.MinOrigin;
        _tail = new double[reach];
        for (var i = 0; i < reach; i++)
        {
            _tail[i] = values[values.Count - reach + i];
        }

        _tailStart = indexOffset + values.Count - reach;
        _level = features.Level(_tail, reach);
    }

    /// <inheritdoc />
    public string Name => "GBM-median";

    /// <inheritdoc />
    public IFittedForecaster Refresh(SeriesHistory history)
    {
        var offset = GbmCalendar.RefreshOffset(history, _features.MinOrigin, _start, _frequency);
        return new LevelGbmFitted(_trees, _errors, _bandEnds, _features, _calendar, _nonNegative, _horizon, _start, _frequency, history.Values, offset);
    }

    /// <inheritdoc />
    public ForecastResult Predict(int horizon, IReadOnlyList<double> levels)
    {
        ForecastGuard.CheckArguments(horizon, levels);
        var row = new float[_features.Count];
        var mean = new double[horizon];
        var band = new int[horizon];
        for (var k = 1; k <= horizon; k++)
        {
            var step = Math.Min(k, _horizon);
            var b = 0;
            while (b < _bandEnds.Length - 1 && step > _bandEnds[b])
            {
                b++;
            }

            band[k - 1] = b;
            _features.Row(_tail, _tail.Length, k, step, _level, _calendar, _tailStart, row);
            mean[k - 1] = Clip(_level + _trees[b].Score(row));
        }

        var intervals = new PredictionInterval[levels.Count];
        for (var l = 0; l < levels.Count; l++)
        {
            var lower = new double[horizon];
            var upper = new double[horizon];
            var halves = _errors.Select(e => SortedQuantile(e, Math.Clamp(levels[l] / 100.0, 0, 1))).ToArray();
            for (var k = 0; k < horizon; k++)
            {
                var half = halves[band[k]];
                lower[k] = Clip(mean[k] - half);
                upper[k] = mean[k] + half;
            }

            intervals[l] = new PredictionInterval(levels[l], lower, upper);
        }

        return new ForecastResult(mean, intervals);
    }

    private double Clip(double v) => _nonNegative ? Math.Max(0, v) : v;

    /// <summary>Linear-interpolated quantile (type 7) of an ascending array.</summary>
    private static double SortedQuantile(double[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return 0;
        }

        var pos = p * (sorted.Length - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((pos - lo) * (sorted[hi] - sorted[lo]));
    }
}
