namespace Foresight.Forecasting.Numerics;

/// <summary>
/// M4's seasonal adjustment: a 90 % autocorrelation test for seasonality at lag m, then the seasonal indices of a
/// classical multiplicative decomposition (centred 2×m moving average, per-position means normalised to mean 1).
/// </summary>
internal sealed class ClassicalDecomposition
{
    private readonly double[] _indices;

    private ClassicalDecomposition(double[] indices, bool seasonal)
    {
        _indices = indices;
        IsSeasonal = seasonal;
    }

    public bool IsSeasonal { get; }

    public int Period => _indices.Length;

    /// <summary>Index for absolute time step t (t = 0 is the first observation of the fitted series).</summary>
    public double Factor(long t) => IsSeasonal ? _indices[(int)(t % _indices.Length)] : 1.0;

    /// <summary>Fits the M4 adjustment; non-seasonal when m &lt; 2, the history is shorter than 3m, a value is not positive, or the test fails.</summary>
    public static ClassicalDecomposition Fit(IReadOnlyList<double> y, int m)
    {
        if (m < 2 || y.Count < 3 * m || y.Any(v => v <= 0) || !SeasonalityTest(y, m))
        {
            return new ClassicalDecomposition(m < 1 ? [1.0] : Enumerable.Repeat(1.0, Math.Max(m, 1)).ToArray(), false);
        }

        return new ClassicalDecomposition(MultiplicativeIndices(y, m), true);
    }

    /// <summary>M4's test: |r_m| &gt; 1.645·sqrt((1 + 2·Σ_{k&lt;m} r_k²)/n).</summary>
    public static bool SeasonalityTest(IReadOnlyList<double> y, int m)
    {
        var x = y.ToArray();
        var acf = Statistics.Acf(x, m);
        double s = 1;
        for (int k = 1; k < m; k++)
        {
            s += 2 * acf[k] * acf[k];
        }

        return Math.Abs(acf[m]) > 1.645 * Math.Sqrt(s / x.Length);
    }

    /// <summary>Classical multiplicative decomposition seasonal figure (R's <c>decompose(...)$figure</c>).</summary>
    public static double[] MultiplicativeIndices(IReadOnlyList<double> y, int m)
    {
        var trend = CentredMovingAverage(y, m);
        var sums = new double[m];
        var counts = new int[m];
        for (int t = 0; t < y.Count; t++)
        {
            if (!double.IsNaN(trend[t]) && trend[t] != 0)
            {
                sums[t % m] += y[t] / trend[t];
                counts[t % m]++;
            }
        }

        var figure = new double[m];
        for (int i = 0; i < m; i++)
        {
            figure[i] = counts[i] > 0 ? sums[i] / counts[i] : 1;
        }

        double mean = figure.Average();
        for (int i = 0; i < m; i++)
        {
            figure[i] = mean > 0 ? figure[i] / mean : 1;
        }

        return figure;
    }

    /// <summary>Centred moving average of length m (2×m for even m); NaN where the window does not fit.</summary>
    public static double[] CentredMovingAverage(IReadOnlyList<double> y, int m)
    {
        int n = y.Count;
        var trend = new double[n];
        Array.Fill(trend, double.NaN);
        int half = m / 2;
        for (int t = half; t < n - half; t++)
        {
            double s = 0;
            if (m % 2 == 0)
            {
                s += 0.5 * y[t - half] + 0.5 * y[t + half];
                for (int k = -half + 1; k < half; k++)
                {
                    s += y[t + k];
                }
            }
            else
            {
                for (int k = -half; k <= half; k++)
                {
                    s += y[t + k];
                }
            }

            trend[t] = s / m;
        }

        return trend;
    }
}
