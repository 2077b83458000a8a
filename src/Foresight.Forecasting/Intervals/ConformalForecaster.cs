using Foresight.Forecasting.Backtesting;

namespace Foresight.Forecasting.Intervals;

/// <summary>
/// Gives any forecaster split-conformal intervals: fit = a rolling-origin backtest (the calibration set) plus a fit on
/// the full history; predict = the inner point forecast with conformal intervals.
/// </summary>
public sealed class ConformalForecaster(IForecaster inner, BacktestOptions calibration) : IForecaster
{
    /// <inheritdoc/>
    public string Name => inner.Name;

    /// <inheritdoc/>
    public IFittedForecaster Fit(SeriesHistory history)
    {
        var fitted = inner.Fit(history);
        if (history.Values.Count < calibration.Horizon + 2 * Math.Max(1, history.SeasonalPeriods.DefaultIfEmpty(1).First()))
        {
            return fitted;
        }

        var backtest = RollingOriginBacktest.Run(inner, history, calibration);
        return backtest.Windows.Count == 0 ? fitted : new ConformalFitted(fitted, ConformalCalibration.FromErrors(backtest.Errors));
    }
}
