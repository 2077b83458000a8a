namespace Foresight.Forecasting.Quality;

/// <summary>
/// Hampel identifier: a point is an outlier when it lies more than <c>sigmas</c>·1.4826·MAD from the median of the
/// centred window of ±<c>halfWindow</c> points. <see cref="Clip"/> replaces outliers with that median.
/// </summary>
public static class HampelFilter
{
    /// <summary>Outlier mask.</summary>
    public static bool[] Detect(IReadOnlyList<double> values, int halfWindow = 12, double sigmas = 3.0) => Run(values, halfWindow, sigmas, out _);

    /// <summary>Copy of the values with outliers replaced by their window median.</summary>
    public static double[] Clip(IReadOnlyList<double> values, int halfWindow = 12, double sigmas = 3.0)
    {
        var mask = Run(values, halfWindow, sigmas, out var medians);
        var y = values.ToArray();
        for (int i = 0; i < y.Length; i++)
        {
            if (mask[i])
            {
                y[i] = medians[i];
            }
        }

        return y;
    }

    /// <summary>
    /// Seasonal Hampel: the window of point t is the same phase on the ±<paramref name="halfWindow"/> neighbouring
    /// seasons (t ± j·<paramref name="period"/>, the ones inside the series; at least 4 values), so a burst is judged
    /// against the same hour on other days and a regular daily peak is not. Outliers are replaced by that window's
    /// median; the last <paramref name="keepLast"/> points are returned as observed.
    /// </summary>
    public static double[] ClipSeasonal(IReadOnlyList<double> values, int period, int halfWindow = 3, double sigmas = 3.0, int keepLast = 0)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (period < 1 || halfWindow < 1 || sigmas <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(period), "The period and half window must be ≥ 1 and sigmas > 0.");
        }

        int n = values.Count;
        var y = values.ToArray();
        var window = new List<double>(2 * halfWindow + 1);
        for (int i = 0; i < n - keepLast; i++)
        {
            window.Clear();
            for (int j = -halfWindow; j <= halfWindow; j++)
            {
                long at = i + ((long)j * period);
                if (at >= 0 && at < n)
                {
                    window.Add(values[(int)at]);
                }
            }

            if (window.Count < 4)
            {
                continue;
            }

            var (median, mad) = MedianAndScaledMad(window);
            if (mad > 0 && Math.Abs(values[i] - median) > sigmas * mad)
            {
                y[i] = median;
            }
        }

        return y;
    }

    private static bool[] Run(IReadOnlyList<double> values, int halfWindow, double sigmas, out double[] medians)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (halfWindow < 1 || sigmas <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(halfWindow), "The half window must be ≥ 1 and sigmas > 0.");
        }

        int n = values.Count;
        var mask = new bool[n];
        medians = new double[n];
        var window = new List<double>(2 * halfWindow + 1);
        for (int i = 0; i < n; i++)
        {
            window.Clear();
            for (int j = Math.Max(0, i - halfWindow); j <= Math.Min(n - 1, i + halfWindow); j++)
            {
                window.Add(values[j]);
            }

            var (median, mad) = MedianAndScaledMad(window);
            medians[i] = median;
            mask[i] = mad > 0 ? Math.Abs(values[i] - median) > sigmas * mad : false;
        }

        return mask;
    }

    /// <summary>The window's median and 1.4826·MAD (the window is reordered and overwritten).</summary>
    private static (double Median, double Mad) MedianAndScaledMad(List<double> window)
    {
        window.Sort();
        double median = MedianOfSorted(window);
        for (int k = 0; k < window.Count; k++)
        {
            window[k] = Math.Abs(window[k] - median);
        }

        window.Sort();
        return (median, 1.4826 * MedianOfSorted(window));
    }

    private static double MedianOfSorted(List<double> s) =>
        s.Count % 2 == 1 ? s[s.Count / 2] : 0.5 * (s[(s.Count / 2) - 1] + s[s.Count / 2]);
}
