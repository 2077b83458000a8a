using Foresight.Forecasting.Backtesting;
using Foresight.Forecasting.Intervals;

namespace Foresight.Forecasting.Selection;

/// <summary>
/// Backtest-weighted combination: every member is backtested on the same rolling origins; the best <c>top</c> by
/// mean MASE get weights ∝ MASE^−power (default 1/MASE²); intervals are split-conformal from the combination's own backtest errors.
/// Fixed weights (e.g. chosen by <see cref="AutoSelectForecaster"/>) skip the backtest. Histories too short for the backtest get equal weights and the members' own intervals averaged.
/// </summary>
public sealed class WeightedEnsembleForecaster(IReadOnlyList<IForecaster> members, BacktestOptions? backtest, int top = 3, string name = "Ensemble-weighted", IReadOnlyList<double>? fixedWeights = null, double power = 2) : IForecaster
{
    /// <inheritdoc/>
    public string Name => name;

    /// <inheritdoc/>
    public IFittedForecaster Fit(SeriesHistory history)
    {
        var options = backtest ?? BacktestOptions.For(history);
        if (members.Count == 0)
        {
            throw new InvalidOperationException("A weighted ensemble needs at least one member.");
        }

        double[] weights;
        ConformalCalibration? calibration = null;
        if (fixedWeights is not null)
        {
            weights = fixedWeights.ToArray();
        }
        else if (AutoSelectForecaster.CanBacktest(history, options))
        {
            var results = CandidateBacktests.Run(members, history, options);
            weights = CandidateBacktests.Weights(results.Select(r => r.MeanMase).ToArray(), top, power);
            calibration = ConformalCalibration.FromErrors(CandidateBacktests.Combine(name, results, weights).Errors);
        }
        else
        {
            weights = Enumerable.Repeat(1.0 / members.Count, members.Count).ToArray();
        }

        var fitted = members.Select((m, i) => weights[i] > 0 ? m.Fit(history) : null).ToArray();
        return new WeightedFitted(name, fitted, weights, calibration, members);
    }
}
