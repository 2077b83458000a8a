namespace Foresight.Forecasting.Metrics;

/// <summary>Accuracy measures as the literature defines them (M4 conventions for sMAPE, MASE and OWA). Pure functions.</summary>
public static class ForecastMetrics
{
    /// <summary>Symmetric MAPE in percent: 200/h·Σ|y−f|/(|y|+|f|) (terms with y = f = 0 count as 0).</summary>
    public static double SMape(IReadOnlyList<double> actual, IReadOnlyList<double> forecast)
    {
        Check(actual, forecast);
        double s = 0;
        for (int i = 0; i < actual.Count; i++)
        {
            double d = Math.Abs(actual[i]) + Math.Abs(forecast[i]);
            s += d == 0 ? 0 : Math.Abs(actual[i] - forecast[i]) / d;
        }

        return 200.0 * s / actual.Count;
    }

    /// <summary>MAPE in percent over the points with a non-zero actual (NaN when there are none).</summary>
    public static double Mape(IReadOnlyList<double> actual, IReadOnlyList<double> forecast)
    {
        Check(actual, forecast);
        double s = 0;
        int n = 0;
        for (int i = 0; i < actual.Count; i++)
        {
            if (actual[i] != 0)
            {
                s += Math.Abs((actual[i] - forecast[i]) / actual[i]);
                n++;
            }
        }

        return n == 0 ? double.NaN : 100.0 * s / n;
    }

    /// <summary>Root mean squared error.</summary>
    public static double Rmse(IReadOnlyList<double> actual, IReadOnlyList<double> forecast)
    {
        Check(actual, forecast);
        double s = 0;
        for (int i = 0; i < actual.Count; i++)
        {
            s += (actual[i] - forecast[i]) * (actual[i] - forecast[i]);
        }

        return Math.Sqrt(s / actual.Count);
    }

    /// <summary>MASE: mean absolute error over the in-sample mean absolute seasonal-naive (lag m) error.</summary>
    public static double Mase(IReadOnlyList<double> actual, IReadOnlyList<double> forecast, IReadOnlyList<double> insample, int m)
    {
        Check(actual, forecast);
        double mae = 0;
        for (int i = 0; i < actual.Count; i++)
        {
            mae += Math.Abs(actual[i] - forecast[i]);
        }

        return mae / actual.Count / MaseScale(insample, m);
    }

    /// <summary>The MASE denominator: mean |y_t − y_{t−m}| over the in-sample data.</summary>
    public static double MaseScale(IReadOnlyList<double> insample, int m)
    {
        if (m < 1 || insample.Count <= m)
        {
            throw new ArgumentException($"MASE needs more than m = {m} in-sample points (got {insample.Count}).", nameof(insample));
        }

        double s = 0;
        for (int t = m; t < insample.Count; t++)
        {
            s += Math.Abs(insample[t] - insample[t - m]);
        }

        return s / (insample.Count - m);
    }

    /// <summary>Overall Weighted Average (M4): the mean of sMAPE and MASE, each relative to Naive2's.</summary>
    public static double Owa(double smape, double mase, double naive2Smape, double naive2Mase) =>
        0.5 * ((smape / naive2Smape) + (mase / naive2Mase));

    /// <summary>Pinball (quantile) loss of a quantile forecast at probability tau ∈ (0, 1), averaged over points.</summary>
    public static double Pinball(IReadOnlyList<double> actual, IReadOnlyList<double> quantile, double tau)
    {
        Check(actual, quantile);
        if (!(tau > 0 && tau < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(tau), tau, "tau must be in (0, 1).");
        }

        double s = 0;
        for (int i = 0; i < actual.Count; i++)
        {
            double d = actual[i] - quantile[i];
            s += d >= 0 ? tau * d : (tau - 1) * d;
        }

        return s / actual.Count;
    }

    /// <summary>Fraction of actuals inside [lower, upper] (bounds inclusive).</summary>
    public static double Coverage(IReadOnlyList<double> actual, IReadOnlyList<double> lower, IReadOnlyList<double> upper)
    {
        Check(actual, lower);
        Check(actual, upper);
        int inside = 0;
        for (int i = 0; i < actual.Count; i++)
        {
            if (actual[i] >= lower[i] && actual[i] <= upper[i])
            {
                inside++;
            }
        }

        return (double)inside / actual.Count;
    }

    private static void Check(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count == 0 || a.Count != b.Count)
        {
            throw new ArgumentException($"Actual and forecast must be non-empty and equally long (got {a.Count} and {b.Count}).");
        }
    }
}
