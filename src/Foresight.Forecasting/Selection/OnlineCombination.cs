namespace Foresight.Forecasting.Selection;

/// <summary>
/// Walk-forward choice among a few fixed combinations of the chosen model (member 0) and simple benchmarks (the other
/// members; in <see cref="WalkForwardForecast"/> the daily and weekly seasonal naive and the recent median): the model
/// alone, each benchmark alone, and the equal-weight mean of the model and each benchmark. At step k the option with the
/// lowest mean absolute error over the newest <c>window</c> outcomes observed at step k (neighbouring steps pooled until
/// <c>minPool</c> outcomes) is used — the model alone on ties, before any outcome, and unless the best other option's
/// error is lower than the model alone's by more than the <c>margin</c> share — so a model that keeps losing to "same
/// time last week" after the selection hands over to it (or to its mean with it), and gets the step back when it
/// recovers. Members' signed errors are kept per outcome, so any option's error is
/// the weighted sum of them. Only outcomes observed before an origin are used.
/// </summary>
public sealed class OnlineCombination
{
    private readonly Queue<double[]>[] _errors;
    private readonly int _members;
    private readonly int _window;
    private readonly int _minPool;
    private readonly double _margin;
    private readonly double[][] _options;

    /// <param name="members">Number of combined forecasts (at least 1); member 0 is the model.</param>
    /// <param name="horizon">Steps per forecast (at least 1).</param>
    /// <param name="window">Newest outcomes kept per step.</param>
    /// <param name="minPool">Outcomes pooled from neighbouring steps before the options are compared.</param>
    /// <param name="margin">Share by which another option's error must be lower than the model alone's to replace it (0: any lower error; in [0, 1)).</param>
    public OnlineCombination(int members, int horizon, int window = 96, int minPool = 200, double margin = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(members, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        if (!(margin >= 0 && margin < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(margin), margin, "The margin is a share in [0, 1).");
        }

        _margin = margin;
        _errors = Enumerable.Range(0, horizon).Select(_ => new Queue<double[]>()).ToArray();
        _members = members;
        _window = window;
        _minPool = Math.Max(1, minPool);
        var options = new List<double[]>();
        for (int j = 0; j < members; j++)
        {
            var w = new double[members];
            w[j] = 1;
            options.Add(w);
        }

        for (int j = 1; j < members; j++)
        {
            var w = new double[members];
            w[0] = 0.5;
            w[j] = 0.5;
            options.Add(w);
        }

        _options = [.. options];
    }

    /// <summary>The weights of every option (model alone first).</summary>
    public IReadOnlyList<double[]> Options => _options;

    /// <summary>An observed outcome at <paramref name="step"/> (0-based): every member's error (actual − forecast; NaN when the member had no forecast).</summary>
    public void Observe(int step, IReadOnlyList<double> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (step < 0 || step >= _errors.Length || errors.Count != _members || !double.IsFinite(errors[0]))
        {
            return;
        }

        var q = _errors[step];
        q.Enqueue([.. errors]);
        while (q.Count > _window)
        {
            q.Dequeue();
        }
    }

    /// <summary>The weights in force at <paramref name="step"/> (0-based) given which members have a forecast.</summary>
    public double[] Weights(int step, IReadOnlyList<bool> available)
    {
        ArgumentNullException.ThrowIfNull(available);
        int s = Math.Clamp(step, 0, _errors.Length - 1);
        var pool = new List<double[]>(_errors[s]);
        for (int band = 1; pool.Count < _minPool && band < _errors.Length; band++)
        {
            if (s - band >= 0)
            {
                pool.AddRange(_errors[s - band]);
            }

            if (s + band < _errors.Length)
            {
                pool.AddRange(_errors[s + band]);
            }
        }

        int best = 0;
        double bestMae = double.PositiveInfinity;
        double modelMae = double.PositiveInfinity;
        for (int o = 0; o < _options.Length; o++)
        {
            var w = _options[o];
            if (Enumerable.Range(0, _members).Any(j => w[j] > 0 && !available[j]))
            {
                continue;
            }

            double sum = 0;
            int n = 0;
            foreach (var e in pool)
            {
                double combined = 0;
                for (int j = 0; j < _members; j++)
                {
                    combined += w[j] > 0 ? w[j] * e[j] : 0;
                }

                if (double.IsFinite(combined))
                {
                    sum += Math.Abs(combined);
                    n++;
                }
            }

            double mae = n == 0 ? double.PositiveInfinity : sum / n;
            if (o == 0)
            {
                modelMae = mae;
            }

            if (mae < bestMae)
            {
                (best, bestMae) = (o, mae);
            }
        }

        bool handOver = bestMae < double.PositiveInfinity && (best == 0 || !(bestMae >= modelMae * (1 - _margin)));
        return handOver ? [.. _options[best]] : [.. _options[0]];
    }

    /// <summary>The combined forecast: at each step the option in force (<see cref="Weights"/>) applied to the members' forecasts (NaN = not available).</summary>
    public double[] Combine(IReadOnlyList<double[]> forecasts)
    {
        ArgumentNullException.ThrowIfNull(forecasts);
        if (forecasts.Count != _members)
        {
            throw new ArgumentException($"Expected {_members} member forecasts, got {forecasts.Count}.", nameof(forecasts));
        }

        int h = forecasts.Min(f => f.Length);
        var result = new double[h];
        var available = new bool[_members];
        for (int k = 0; k < h; k++)
        {
            for (int j = 0; j < _members; j++)
            {
                available[j] = double.IsFinite(forecasts[j][k]);
            }

            var w = Weights(k, available);
            double s = 0;
            for (int j = 0; j < _members; j++)
            {
                s += w[j] > 0 ? w[j] * forecasts[j][k] : 0;
            }

            result[k] = s;
        }

        return result;
    }
}
