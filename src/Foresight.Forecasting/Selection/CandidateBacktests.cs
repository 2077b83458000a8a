using Foresight.Forecasting.Backtesting;
using Foresight.Forecasting.Numerics;

namespace Foresight.Forecasting.Selection;

/// <summary>Backtests a set of candidates on the same rolling origins, and derives combinations from their forecasts without refitting.</summary>
internal static class CandidateBacktests
{
    public static BacktestResult[] Run(IReadOnlyList<IForecaster> candidates, SeriesHistory history, BacktestOptions options) =>
        candidates.Select(c => RollingOriginBacktest.Run(c, history, options)).ToArray();

    /// <summary>Weights ∝ score^−power (default inverse-squared) over the best <paramref name="top"/> candidates (zero for the rest).</summary>
    public static double[] Weights(IReadOnlyList<double> scores, int top, double power = 2)
    {
        var order = Enumerable.Range(0, scores.Count).Where(i => double.IsFinite(scores[i])).OrderBy(i => scores[i]).Take(top).ToArray();
        var w = new double[scores.Count];
        foreach (var i in order)
        {
            w[i] = 1.0 / Math.Max(Math.Pow(scores[i], power), 1e-12);
        }

        double sum = w.Sum();
        return sum > 0 ? w.Select(v => v / sum).ToArray() : w;
    }

    /// <summary>The backtest a combination of the candidates would have had (weights, or the median when null).</summary>
    public static BacktestResult Combine(string name, BacktestResult[] results, double[]? weights)
    {
        var windows = new List<BacktestWindow>();
        for (int w = 0; w < results[0].Windows.Count; w++)
        {
            var first = results[0].Windows[w];
            int h = first.Actual.Length;
            var mean = new double[h];
            var column = new double[results.Length];
            for (int i = 0; i < h; i++)
            {
                double s = 0;
                for (int c = 0; c < results.Length; c++)
                {
                    column[c] = results[c].Windows[w].Forecast.Mean[i];
                    s += weights is null ? 0 : weights[c] * column[c];
                }

                mean[i] = weights is null ? Statistics.Quantile(column, 0.5) : s;
            }

            windows.Add(first with { Forecast = new ForecastResult(mean, []) });
        }

        return new BacktestResult(name, windows);
    }
}
