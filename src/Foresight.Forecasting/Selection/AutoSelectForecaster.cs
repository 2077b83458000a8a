using Foresight.Forecasting.Backtesting;
using Foresight.Forecasting.Intervals;
using Foresight.Forecasting.Models;

namespace Foresight.Forecasting.Selection;

/// <summary>
/// Per-series automatic selection: every candidate is backtested on the same rolling origins, and so are two
/// combinations derived from those backtests for free (the median and the 1/MASE²-weighted top-3); the lowest mean
/// score (MASE by default) wins and is refitted on the whole history. Intervals are the winner's native ones when it
/// has them (unless <c>conformal</c> is set), otherwise split-conformal from the winner's backtest errors. A history
/// too short for the backtest (fewer than horizon + two seasons) gets the first candidate, i.e. its own fallbacks.
/// Baseline rule: the seasonal-naive candidates (<see cref="SeasonalNaiveForecaster"/>) are the baselines; any other
/// option wins only when its score is below the better baseline's by more than <c>baselineMargin</c> (a share, 0 by
/// default), so the choice is never worse than the better seasonal naive on its own backtest.
/// Combination rule: a single candidate wins over the better combination only when its score is below the
/// combination's by more than <c>combinationMargin</c> (a share, 0 by default): near-ties on a short backtest are
/// noise, and the combination is the safer choice among them.
/// </summary>
public sealed class AutoSelectForecaster(
    IReadOnlyList<IForecaster> candidates,
    BacktestOptions? backtest,
    SelectionMetric metric = SelectionMetric.Mase,
    bool conformal = false,
    bool combinations = true,
    string name = "Auto",
    double baselineMargin = 0,
    double combinationMargin = 0) : IForecaster
{
    /// <inheritdoc/>
    public string Name => name;

    /// <inheritdoc/>
    public IFittedForecaster Fit(SeriesHistory history)
    {
        var options = backtest ?? BacktestOptions.For(history);
        if (candidates.Count == 0)
        {
            throw new InvalidOperationException("Automatic selection needs at least one candidate.");
        }

        if (!CanBacktest(history, options))
        {
            var only = candidates[0].Fit(history);
            return new Renamed($"{name}:{only.Name}", only);
        }

        var selection = Select(history, options);
        IFittedForecaster fitted = selection.Forecaster.Fit(history);
        bool native = selection.IsCandidate && !conformal && fitted is ForecastGuard { Inner: FittedModel { HasNativeIntervals: true } };
        var label = $"{name}:{selection.Winner}";
        return native ? new Renamed(label, fitted) : new Renamed(label, new ConformalFitted(fitted, selection.Calibration));
    }

    /// <summary>Backtests the candidates (and their median and weighted combinations) and picks the lowest score.</summary>
    public SelectionResult Select(SeriesHistory history, BacktestOptions options)
    {
        var results = CandidateBacktests.Run(candidates, history, options);
        var scored = results.ToList();
        double[]? weights = null;
        if (combinations && candidates.Count > 2)
        {
            weights = CandidateBacktests.Weights(results.Select(Score).ToArray(), 3);
            scored.Add(CandidateBacktests.Combine("Ensemble-median", results, null));
            scored.Add(CandidateBacktests.Combine("Ensemble-weighted", results, weights));
        }

        int best = 0;
        for (int i = 1; i < scored.Count; i++)
        {
            if (Score(scored[i]) < Score(scored[best]))
            {
                best = i;
            }
        }

        if (combinationMargin > 0 && best < candidates.Count && scored.Count > candidates.Count)
        {
            int combination = candidates.Count;
            for (int i = candidates.Count + 1; i < scored.Count; i++)
            {
                combination = Score(scored[i]) < Score(scored[combination]) ? i : combination;
            }

            if (double.IsFinite(Score(scored[combination])) && !(Score(scored[best]) < Score(scored[combination]) * (1 - combinationMargin)))
            {
                best = combination;
            }
        }

        int baseline = -1;
        for (int i = 0; i < candidates.Count; i++)
        {
            if (candidates[i] is SeasonalNaiveForecaster && (baseline < 0 || Score(scored[i]) < Score(scored[baseline])))
            {
                baseline = i;
            }
        }

        if (baseline >= 0 && best != baseline && double.IsFinite(Score(scored[baseline])) && !(Score(scored[best]) < Score(scored[baseline]) * (1 - baselineMargin)))
        {
            best = baseline;
        }

        IForecaster winner = best < candidates.Count
            ? candidates[best]
            : best == candidates.Count
                ? new MedianEnsembleForecaster(candidates)
                : new WeightedEnsembleForecaster(candidates, options, fixedWeights: weights);
        var scores = scored.ToDictionary(r => r.Model, Score);
        return new SelectionResult(scored[best].Model, winner, scores, ConformalCalibration.FromErrors(scored[best].Errors), best < candidates.Count, scored);
    }

    /// <summary>True when the history holds the backtest windows plus two seasons of training before the first origin.</summary>
    internal static bool CanBacktest(SeriesHistory history, BacktestOptions options)
    {
        int m = history.SeasonalPeriods.Count > 0 ? history.SeasonalPeriods[0] : 1;
        return history.Values.Count >= options.Horizon + ((options.Windows - 1) * options.Step) + Math.Max(2 * m, 8);
    }

    private double Score(BacktestResult r) => metric == SelectionMetric.Mase ? r.MeanMase : r.MeanSMape;

    private sealed class Renamed(string label, IFittedForecaster inner) : IFittedForecaster
    {
        public string Name => label;

        public ForecastResult Predict(int horizon, IReadOnlyList<double> levels) => inner.Predict(horizon, levels);
    }
}
