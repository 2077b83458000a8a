namespace Foresight.Forecasting.Numerics;

/// <summary>Small statistics used by several models: moments, quantiles, the normal quantile, autocorrelation.</summary>
internal static class Statistics
{
    public static double Mean(ReadOnlySpan<double> x)
    {
        double s = 0;
        foreach (var v in x)
        {
            s += v;
        }

        return x.Length == 0 ? 0 : s / x.Length;
    }

    public static double Variance(ReadOnlySpan<double> x)
    {
        if (x.Length < 2)
        {
            return 0;
        }

        double m = Mean(x), s = 0;
        foreach (var v in x)
        {
            s += (v - m) * (v - m);
        }

        return s / (x.Length - 1);
    }

    public static double Median(IEnumerable<double> values) => Quantile(values.ToArray(), 0.5);

    /// <summary>Linear-interpolated quantile (type 7). Sorts a copy.</summary>
    public static double Quantile(double[] values, double p)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }

        var x = (double[])values.Clone();
        Array.Sort(x);
        double pos = p * (x.Length - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, x.Length - 1);
        return x[lo] + (pos - lo) * (x[hi] - x[lo]);
    }

    /// <summary>Autocorrelation at lags 0..maxLag (the usual biased estimator).</summary>
    public static double[] Acf(ReadOnlySpan<double> x, int maxLag)
    {
        int n = x.Length;
        double m = Mean(x), c0 = 0;
        for (int t = 0; t < n; t++)
        {
            c0 += (x[t] - m) * (x[t] - m);
        }

        var acf = new double[maxLag + 1];
        for (int k = 0; k <= maxLag && k < n; k++)
        {
            double c = 0;
            for (int t = k; t < n; t++)
            {
                c += (x[t] - m) * (x[t - k] - m);
            }

            acf[k] = c0 == 0 ? 0 : c / c0;
        }

        return acf;
    }

    /// <summary>Standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9).</summary>
    public static double NormalQuantile(double p)
    {
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double low = 0.02425;
        if (p <= 0)
        {
            return double.NegativeInfinity;
        }

        if (p >= 1)
        {
            return double.PositiveInfinity;
        }

        if (p < low)
        {
            double q = Math.Sqrt(-2 * Math.Log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }

        if (p > 1 - low)
        {
            double q = Math.Sqrt(-2 * Math.Log(1 - p));
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }

        double r = p - 0.5, s = r * r;
        return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
    }

    /// <summary>Least-squares line through (i, x[i]): intercept and slope.</summary>
    public static (double Intercept, double Slope) LinearFit(ReadOnlySpan<double> x)
    {
        int n = x.Length;
        if (n < 2)
        {
            return (n == 1 ? x[0] : 0, 0);
        }

        double tm = (n - 1) / 2.0, ym = Mean(x), sxy = 0, sxx = 0;
        for (int i = 0; i < n; i++)
        {
            sxy += (i - tm) * (x[i] - ym);
            sxx += (i - tm) * (i - tm);
        }

        double slope = sxy / sxx;
        return (ym - slope * tm, slope);
    }
}
