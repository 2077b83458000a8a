using Foresight.Forecasting.Intervals;

namespace Foresight.Forecasting.Models.Gbm;

/// <summary>
/// <see cref="ArrivalGbmForecaster"/> fitted on one series: the trees, the layout and the locally weighted conformal
/// calibration, conditioned on the latest observations (a tail long enough for every feature). <see cref="Refresh"/>
/// conditions the same trees and calibration on a newer history of the series.
/// </summary>
public sealed class ArrivalGbmFitted : IRefreshableFitted
{
    private readonly GbmTrees _trees;
    private readonly GbmFeatures _features;
    private readonly GbmCalendar _calendar;
    private readonly ConformalCalibration _scores;
    private readonly LevelBins _bins;
    private readonly bool _nonNegative;
    private readonly int _season;
    private readonly int _hampelPeriod;
    private readonly int _hampelCycles;
    private readonly DateTimeOffset _start;
    private readonly TimeSpan _frequency;
    private readonly double[] _tail;
    private readonly long _tailStart;
    private readonly float[] _originPart;
    private readonly double _center;
    private readonly double _scale;

    internal ArrivalGbmFitted(GbmTrees trees, GbmFeatures features, GbmCalendar calendar, ConformalCalibration scores, LevelBins bins, bool nonNegative, int hampelPeriod, int season, int hampelCycles, DateTimeOffset start, TimeSpan frequency, IReadOnlyList<double> values, long indexOffset = 0)
    {
        _trees = trees;
        _features = features;
        _calendar = calendar;
        _scores = scores;
        _bins = bins;
        _nonNegative = nonNegative;
        _season = season;
        _hampelPeriod = hampelPeriod;
        _hampelCycles = hampelCycles;
        _start = start;
        _frequency = frequency;
        var reach = Math.Min(values.Count, features.MinOrigin + (hampelCycles * hampelPeriod));
        var raw = new double[reach];
        for (var i = 0; i < reach; i++)
        {
            raw[i] = values[values.Count - reach + i];
        }

        var z = ArrivalGbmForecaster.Robust(ArrivalGbmForecaster.ToWorking(raw, nonNegative), hampelPeriod, season, hampelCycles);
        _tail = z[^features.MinOrigin..];
        _tailStart = indexOffset + values.Count - features.MinOrigin;
        (_center, _scale) = features.Stats(_tail, _tail.Length);
        _originPart = new float[features.OriginCount];
        features.OriginPart(_tail, _tail.Length, _center, _scale, _originPart);
    }

    /// <inheritdoc />
    public string Name => "GBM-direct";

    /// <inheritdoc />
    public IFittedForecaster Refresh(SeriesHistory history)
    {
        var offset = GbmCalendar.RefreshOffset(history, _features.MinOrigin, _start, _frequency);
        return new ArrivalGbmFitted(_trees, _features, _calendar, _scores, _bins, _nonNegative, _hampelPeriod, _season, _hampelCycles, _start, _frequency, history.Values, offset);
    }

    /// <inheritdoc />
    public ForecastResult Predict(int horizon, IReadOnlyList<double> levels)
    {
        ForecastGuard.CheckArguments(horizon, levels);

        var width = _features.Count;
        var rows = new float[horizon * width];
        for (var k = 1; k <= horizon; k++)
        {
            _features.Row(_tail, _tail.Length, k, _center, _scale, _originPart, _calendar, _tailStart, rows.AsSpan((k - 1) * width, width));
        }

        var work = new double[horizon];
        _trees.ScoreMany(rows, width, work);
        var mean = new double[horizon];
        for (var k = 1; k <= horizon; k++)
        {
            work[k - 1] = _features.Baseline(_tail, _tail.Length, k) + (_scale * work[k - 1]);
            mean[k - 1] = FromWorking(work[k - 1]);
        }

        var intervals = new PredictionInterval[levels.Count];
        for (var l = 0; l < levels.Count; l++)
        {
            var lower = new double[horizon];
            var upper = new double[horizon];
            for (var k = 0; k < horizon; k++)
            {
                var half = _scores.HalfWidth(k, levels[l]) * _bins.Scale(work[k]) * _scale;
                lower[k] = FromWorking(work[k] - half);
                upper[k] = FromWorking(work[k] + half);
            }

            intervals[l] = new PredictionInterval(levels[l], lower, upper);
        }

        return new ForecastResult(mean, intervals);
    }

    private double FromWorking(double z) => _nonNegative ? Math.Max(0, Math.Exp(z) - 1) : z;
}
