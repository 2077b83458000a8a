using Foresight.Forecasting.Numerics;

namespace Foresight.Forecasting.Models;

/// <summary>
/// Median combination: the per-step median of the members' forecasts (and of their interval bounds). Refreshing
/// refreshes each member that can be refreshed and refits the others.
/// </summary>
public sealed class MedianEnsembleForecaster(IReadOnlyList<IForecaster> members, string name = "Ensemble-median") : IForecaster
{
    /// <inheritdoc/>
    public string Name => name;

    /// <inheritdoc/>
    public IFittedForecaster Fit(SeriesHistory history)
    {
        if (members.Count == 0)
        {
            throw new InvalidOperationException("A median ensemble needs at least one member.");
        }

        var fitted = members.Select(m => m.Fit(history)).ToArray();
        return new Fitted(name, fitted, members);
    }

    private sealed class Fitted(string name, IFittedForecaster[] members, IReadOnlyList<IForecaster> forecasters) : IRefreshableFitted
    {
        public string Name => name;

        public IFittedForecaster Refresh(SeriesHistory history) =>
            new Fitted(name, members.Select((m, i) => ScheduledRefit.RefreshOrFit(forecasters[i], m, history)).ToArray(), forecasters);

        public ForecastResult Predict(int horizon, IReadOnlyList<double> levels)
        {
            var results = members.Select(m => m.Predict(horizon, levels)).ToArray();
            var mean = Combine(results.Select(r => r.Mean).ToArray(), horizon);
            var intervals = levels.Select((l, k) => new PredictionInterval(
                l,
                Combine(results.Select(r => r.Intervals[k].Lower).ToArray(), horizon),
                Combine(results.Select(r => r.Intervals[k].Upper).ToArray(), horizon))).ToList();
            return new ForecastResult(mean, intervals) { FellBack = results.Any(r => r.FellBack) };
        }

        private static double[] Combine(double[][] paths, int horizon)
        {
            var f = new double[horizon];
            var column = new double[paths.Length];
            for (int i = 0; i < horizon; i++)
            {
                for (int j = 0; j < paths.Length; j++)
                {
                    column[j] = paths[j][i];
                }

                f[i] = Statistics.Quantile(column, 0.5);
            }

            return f;
        }
    }
}
