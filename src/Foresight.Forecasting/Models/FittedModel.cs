using Foresight.Forecasting.Intervals;
using Foresight.Forecasting.Quality;

namespace Foresight.Forecasting.Models;

/// <summary>
/// The common fitted shape: a point path function and, when the model has them, native forecast standard
/// deviations (normal intervals). Without native ones, intervals use the in-sample naive spread growing with √h,
/// which is crude: wrap the forecaster in <see cref="ConformalForecaster"/> for calibrated intervals. A model that
/// passes <c>refresh</c> can be conditioned on a newer history with its estimated parameters kept.
/// </summary>
internal sealed class FittedModel(string name, Func<int, double[]> mean, Func<int, double[], double[]>? sd, double naiveSigma, Func<SeriesHistory, double[], IFittedForecaster>? refresh = null) : IRefreshableFitted
{
    public string Name { get; } = name;

    public bool HasNativeIntervals => sd is not null;

    public bool CanRefresh => refresh is not null;

    public ForecastResult Predict(int horizon, IReadOnlyList<double> levels)
    {
        var mu = mean(horizon);
        if (levels.Count == 0)
        {
            return new ForecastResult(mu, []);
        }

        var sigma = sd?.Invoke(horizon, mu) ?? Enumerable.Range(1, horizon).Select(h => naiveSigma * Math.Sqrt(h)).ToArray();
        return new ForecastResult(mu, NormalIntervals.Build(mu, sigma, levels));
    }

    public IFittedForecaster Refresh(SeriesHistory history) => Refresh(history, SeriesValidator.Validate(history));

    /// <summary>The same parameters conditioned on <paramref name="history"/>, whose validated values are <paramref name="y"/>.</summary>
    internal IFittedForecaster Refresh(SeriesHistory history, double[] y) =>
        refresh is null
            ? throw new InvalidOperationException($"{Name} cannot be refreshed; refit it.")
            : refresh(history, y);
}
