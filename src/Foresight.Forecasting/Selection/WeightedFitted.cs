using Foresight.Forecasting.Intervals;

namespace Foresight.Forecasting.Selection;

/// <summary>
/// A fitted weighted combination (members with weight zero are not fitted). Refreshing refreshes each member that
/// can be refreshed and refits the others (<paramref name="forecasters"/>); weights and calibration are kept.
/// </summary>
internal sealed class WeightedFitted(string name, IFittedForecaster?[] members, double[] weights, ConformalCalibration? calibration, IReadOnlyList<IForecaster> forecasters) : IRefreshableFitted
{
    public string Name => name;

    public IFittedForecaster Refresh(SeriesHistory history) =>
        new WeightedFitted(name, members.Select((m, i) => m is null ? null : ScheduledRefit.RefreshOrFit(forecasters[i], m, history)).ToArray(), weights, calibration, forecasters);

    public ForecastResult Predict(int horizon, IReadOnlyList<double> levels)
    {
        var mean = new double[horizon];
        var lower = levels.Select(_ => new double[horizon]).ToArray();
        var upper = levels.Select(_ => new double[horizon]).ToArray();
        bool fellBack = false;
        for (int c = 0; c < members.Length; c++)
        {
            if (members[c] is not { } member)
            {
                continue;
            }

            var r = member.Predict(horizon, calibration is null ? levels : []);
            fellBack |= r.FellBack;
            for (int i = 0; i < horizon; i++)
            {
                mean[i] += weights[c] * r.Mean[i];
                for (int k = 0; k < levels.Count && calibration is null; k++)
                {
                    lower[k][i] += weights[c] * r.Intervals[k].Lower[i];
                    upper[k][i] += weights[c] * r.Intervals[k].Upper[i];
                }
            }
        }

        if (calibration is not null)
        {
            var intervals = calibration.Intervals(mean, levels);
            if (mean.All(v => v >= 0))
            {
                intervals = intervals.Select(iv => iv with { Lower = iv.Lower.Select(v => Math.Max(0, v)).ToArray() }).ToList();
            }

            return new ForecastResult(mean, intervals) { FellBack = fellBack };
        }

        return new ForecastResult(mean, levels.Select((l, k) => new PredictionInterval(l, lower[k], upper[k])).ToList()) { FellBack = fellBack };
    }
}
