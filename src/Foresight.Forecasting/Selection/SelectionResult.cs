using Foresight.Forecasting.Backtesting;
using Foresight.Forecasting.Intervals;

namespace Foresight.Forecasting.Selection;

/// <summary>What automatic selection decided for one history: the winner (a candidate or a combination, refittable
/// as <see cref="Forecaster"/>), every option's backtest score, a conformal calibration from the winner's errors, and
/// every option's backtest (candidates in order, then the combinations) when selection ran one.</summary>
public sealed record SelectionResult(string Winner, IForecaster Forecaster, IReadOnlyDictionary<string, double> Scores, ConformalCalibration Calibration, bool IsCandidate, IReadOnlyList<BacktestResult>? Backtests = null);
