namespace Foresight.Forecasting.Selection;

/// <summary>
/// Walk-forward combination of a few forecasts of the same series (the chosen model and the daily and weekly seasonal
/// naive): the weight of member j at step k is ∝ 1 / MAE²_{j,k}, the mean absolute error of that member over the newest
/// <c>window</c> errors observed at step k (neighbouring steps pooled until <c>minPool</c> errors), so a member that
/// has been losing lately — e.g. a model that stopped beating "same time last week" after the selection — loses its
/// weight, and one that recovers gets it back. Members whose forecast is missing (NaN: a season not yet observed)
/// are left out of that step. Only errors observed before an origin reach the weights.
/// </summary>
public sealed class OnlineCombination
{
    private readonly Queue<double>[][] _errors;
    private readonly int _window;
    private readonly int _minPool;
    private readonly double _power;

    /// <param name="members">Number of combined forecasts (at least 1).</param>
    /// <param name="horizon">Steps per forecast (at least 1).</param>
    /// <param name="window">Newest absolute errors kept per member and step.</param>
    /// <param name="minPool">Errors pooled from neighbouring steps before a mean is taken.</param>
    /// <param name="power">Weights ∝ MAE^−power (2 by default, as the backtest-weighted ensemble).</param>
    public OnlineCombination(int members, int horizon, int window = 200, int minPool = 30, double power = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(members, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        _errors = Enumerable.Range(0, members).Select(_ => Enumerable.Range(0, horizon).Select(_ => new Queue<double>()).ToArray()).ToArray();
        _window = window;
        _minPool = Math.Max(1, minPool);
        _power = power;
    }

    /// <summary>An observed error (actual − forecast) of member <paramref name="member"/> at <paramref name="step"/> (0-based); non-finite errors are ignored.</summary>
    public void Observe(int member, int step, double error)
    {
        if (member < 0 || member >= _errors.Length || step < 0 || step >= _errors[member].Length || !double.IsFinite(error))
        {
            return;
        }

        var q = _errors[member][step];
        q.Enqueue(Math.Abs(error));
        while (q.Count > _window)
        {
            q.Dequeue();
        }
    }

    /// <summary>The weights at <paramref name="step"/> (0-based), summing to 1 over the members whose forecast is available; equal weights until errors are observed.</summary>
    public double[] Weights(int step, IReadOnlyList<bool> available)
    {
        ArgumentNullException.ThrowIfNull(available);
        var w = new double[_errors.Length];
        for (int j = 0; j < _errors.Length; j++)
        {
            if (!available[j])
            {
                continue;
            }

            double mae = Mae(j, Math.Min(step, _errors[j].Length - 1));
            w[j] = double.IsNaN(mae) ? 1 : 1.0 / Math.Max(Math.Pow(mae, _power), 1e-300);
        }

        if (w.Any(v => double.IsPositiveInfinity(v)))
        {
            w = w.Select(v => double.IsPositiveInfinity(v) ? 1.0 : 0.0).ToArray();
        }

        double sum = w.Sum();
        return sum > 0 ? w.Select(v => v / sum).ToArray() : w;
    }

    /// <summary>The combined forecast: at each step the weighted mean of the available members' forecasts (NaN = not available).</summary>
    public double[] Combine(IReadOnlyList<double[]> forecasts)
    {
        ArgumentNullException.ThrowIfNull(forecasts);
        if (forecasts.Count != _errors.Length)
        {
            throw new ArgumentException($"Expected {_errors.Length} member forecasts, got {forecasts.Count}.", nameof(forecasts));
        }

        int h = forecasts.Min(f => f.Length);
        var result = new double[h];
        var available = new bool[forecasts.Count];
        for (int k = 0; k < h; k++)
        {
            for (int j = 0; j < forecasts.Count; j++)
            {
                available[j] = double.IsFinite(forecasts[j][k]);
            }

            var w = Weights(k, available);
            double s = 0;
            bool any = false;
            for (int j = 0; j < forecasts.Count; j++)
            {
                if (available[j] && w[j] > 0)
                {
                    s += w[j] * forecasts[j][k];
                    any = true;
                }
            }

            result[k] = any ? s : double.NaN;
        }

        return result;
    }

    private double Mae(int member, int step)
    {
        var rows = _errors[member];
        double sum = 0;
        int n = 0;
        for (int band = 0; band < rows.Length && (n < _minPool || band == 0); band++)
        {
            foreach (int s in band == 0 ? new[] { step } : new[] { step - band, step + band })
            {
                if (s >= 0 && s < rows.Length)
                {
                    foreach (var e in rows[s])
                    {
                        sum += e;
                        n++;
                    }
                }
            }
        }

        return n == 0 ? double.NaN : sum / n;
    }
}
