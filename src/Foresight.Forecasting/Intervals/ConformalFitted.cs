namespace Foresight.Forecasting.Intervals;

/// <summary>A fitted model whose intervals come from a conformal calibration.</summary>
internal sealed class ConformalFitted(IFittedForecaster inner, ConformalCalibration calibration) : IFittedForecaster
{
    public string Name => inner.Name;

    public ForecastResult Predict(int horizon, IReadOnlyList<double> levels)
    {
        var point = inner.Predict(horizon, []);
        if (levels.Count == 0)
        {
            return point;
        }

        var intervals = calibration.Intervals(point.Mean, levels);
        if (point.Mean.All(v => v >= 0))
        {
            intervals = intervals.Select(i => i with { Lower = i.Lower.Select(v => Math.Max(0, v)).ToArray() }).ToList();
        }

        return point with { Intervals = intervals };
    }
}
