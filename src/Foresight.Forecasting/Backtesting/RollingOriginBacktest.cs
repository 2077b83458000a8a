using Foresight.Forecasting.Metrics;

namespace Foresight.Forecasting.Backtesting;

/// <summary>
/// Rolling-origin cross-validation that works for any <see cref="IForecaster"/>: fit at each origin (or on the
/// schedule of <see cref="BacktestOptions.RefitEvery"/>, refreshing in between), forecast, compare.
/// </summary>
public static class RollingOriginBacktest
{
    /// <summary>Runs the backtest; windows whose training part would be shorter than two points are skipped.</summary>
    public static BacktestResult Run(IForecaster forecaster, SeriesHistory history, BacktestOptions options, IReadOnlyList<double>? levels = null)
    {
        ArgumentNullException.ThrowIfNull(forecaster);
        options.Validate();
        var y = history.Values;
        int m = history.SeasonalPeriods.Count > 0 ? history.SeasonalPeriods[0] : 1;
        var windows = new List<BacktestWindow>(options.Windows);
        var schedule = options.RefitEvery > 0 ? new ScheduledRefit(forecaster, options.RefitEvery) : null;
        for (int w = options.Windows - 1; w >= 0; w--)
        {
            int origin = y.Count - options.Horizon - (w * options.Step);
            if (origin < 2)
            {
                continue;
            }

            var train = Slice(history, origin);
            var fitted = schedule is null ? forecaster.Fit(train) : schedule.At(origin, train);
            var forecast = fitted.Predict(options.Horizon, levels ?? []);
            var actual = new double[options.Horizon];
            for (int i = 0; i < options.Horizon; i++)
            {
                actual[i] = y[origin + i];
            }

            windows.Add(new BacktestWindow(origin, actual, forecast, Scale(train.Values, m)));
        }

        return new BacktestResult(forecaster.Name, windows);
    }

    /// <summary>The first <paramref name="length"/> values of a history, keeping its periods, start and frequency.</summary>
    public static SeriesHistory Slice(SeriesHistory history, int length) =>
        history with { Values = history.Values.Take(length).ToArray() };

    private static double Scale(IReadOnlyList<double> train, int m)
    {
        int lag = train.Count > m ? m : 1;
        double s = train.Count > lag ? ForecastMetrics.MaseScale(train, lag) : 0;
        return s > 0 ? s : 1e-9 + Math.Abs(train.Average()) * 1e-6 + 1e-12;
    }
}
