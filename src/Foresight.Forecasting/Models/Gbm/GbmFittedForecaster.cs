using Foresight.Forecasting.Intervals;

namespace Foresight.Forecasting.Models.Gbm;

/// <summary>
/// The global GBM applied to one series. Everything that depends only on the forecast origin (scale, lags) is
/// computed at fit time; a prediction builds one feature row per step and walks flattened trees, with no ML.NET
/// pipeline on the hot path.
/// </summary>
public sealed class GbmFittedForecaster : IFittedForecaster
{
    private readonly GbmTrees _trees;
    private readonly GbmFeatures _features;
    private readonly GbmCalendar _calendar;
    private readonly ConformalCalibration _scores;
    private readonly double[] _tail;
    private readonly long _tailStart;
    private readonly float[] _originPart;
    private readonly double _center;
    private readonly double _scale;

    internal GbmFittedForecaster(GbmTrees trees, GbmFeatures features, GbmCalendar calendar, ConformalCalibration scores, double[] working, string trainer)
    {
        _trees = trees;
        _features = features;
        _calendar = calendar;
        _scores = scores;
        Trainer = trainer;
        _tail = working[^features.MinOrigin..];
        _tailStart = working.Length - features.MinOrigin;
        (_center, _scale) = features.Stats(_tail, _tail.Length);
        _originPart = new float[features.OriginCount];
        features.OriginPart(_tail, _tail.Length, _center, _scale, _originPart);
    }

    /// <inheritdoc />
    public string Name => "gbm";

    /// <summary>The ML.NET trainer that grew the trees (LightGbm, or FastTree after a fallback).</summary>
    public string Trainer { get; }

    /// <inheritdoc />
    public ForecastResult Predict(int horizon, IReadOnlyList<double> levels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        ArgumentNullException.ThrowIfNull(levels);
        foreach (var level in levels)
        {
            if (!(level > 0 && level < 100))
            {
                throw new ArgumentOutOfRangeException(nameof(levels), level, "Interval levels are percentages strictly between 0 and 100.");
            }
        }

        var mean = new double[horizon];
        var work = new double[horizon];
        var width = _features.Count;
        Span<float> rows = horizon * width <= 4096 ? stackalloc float[horizon * width] : new float[horizon * width];
        for (var k = 1; k <= horizon; k++)
        {
            _features.Row(_tail, _tail.Length, k, _center, _scale, _originPart, _calendar, _tailStart, rows.Slice((k - 1) * width, width));
        }

        _trees.ScoreMany(rows, width, work);
        for (var k = 1; k <= horizon; k++)
        {
            work[k - 1] = _features.Baseline(_tail, _tail.Length, k) + (_scale * work[k - 1]);
            mean[k - 1] = _features.FromWorking(work[k - 1]);
        }

        var intervals = new PredictionInterval[levels.Count];
        for (var l = 0; l < levels.Count; l++)
        {
            var lower = new double[horizon];
            var upper = new double[horizon];
            for (var k = 0; k < horizon; k++)
            {
                var half = _scores.HalfWidth(k, levels[l]) * _scale;
                lower[k] = _features.FromWorking(work[k] - half);
                upper[k] = _features.FromWorking(work[k] + half);
            }

            intervals[l] = new PredictionInterval(levels[l], lower, upper);
        }

        return new ForecastResult(mean, intervals);
    }
}
