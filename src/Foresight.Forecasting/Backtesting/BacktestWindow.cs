namespace Foresight.Forecasting.Backtesting;

/// <summary>One rolling origin: the model was fitted on values [0, Origin) and forecast the next steps.</summary>
public sealed record BacktestWindow(int Origin, double[] Actual, ForecastResult Forecast, double MaseScale);
