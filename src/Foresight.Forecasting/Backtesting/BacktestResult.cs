namespace Foresight.Forecasting.Backtesting;

/// <summary>Every window of one model's rolling-origin backtest, with the usual summaries.</summary>
public sealed record BacktestResult(string Model, IReadOnlyList<BacktestWindow> Windows)
{
    /// <summary>Mean over windows of MASE (errors scaled by each window's in-sample seasonal-naive MAE).</summary>
    public double MeanMase => Windows.Count == 0 ? double.PositiveInfinity : Windows.Average(w => MeanAbsError(w) / w.MaseScale);

    /// <summary>Mean sMAPE over windows.</summary>
    public double MeanSMape => Windows.Count == 0 ? double.PositiveInfinity : Windows.Average(w => Metrics.ForecastMetrics.SMape(w.Actual, w.Forecast.Mean));

    /// <summary>Signed errors (actual − forecast) per window and step.</summary>
    public IReadOnlyList<double[]> Errors => Windows.Select(w => w.Actual.Select((a, i) => a - w.Forecast.Mean[i]).ToArray()).ToList();

    private static double MeanAbsError(BacktestWindow w) => w.Actual.Select((a, i) => Math.Abs(a - w.Forecast.Mean[i])).Average();
}
