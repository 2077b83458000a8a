namespace Foresight.Forecasting.Models;

/// <summary>
/// Seasonal naive: the value one season earlier. Uses the primary seasonal period unless a period is given
/// (e.g. 168 for a weekly profile on hourly data) or <paramref name="longest"/> asks for the longest period of which
/// the history holds at least one full cycle and one more point (the weekly cycle when periods are [daily, weekly]). Intervals σ_m·√(k+1),
/// k = whole seasons ahead.
/// </summary>
public sealed class SeasonalNaiveForecaster(int? period = null, bool longest = false) : Forecaster
{
    /// <inheritdoc/>
    public override string Name => longest ? "SeasonalNaiveLong" : period is null ? "SeasonalNaive" : $"SeasonalNaive{period}";

    /// <inheritdoc/>
    protected override int MinimumLength(SeriesHistory history) => Period(history) + 1;

    /// <inheritdoc/>
    protected override IFittedForecaster FitCore(SeriesHistory history, double[] y) => FitValues(y, Period(history), Name);

    internal static IFittedForecaster FitValues(double[] y, int m, string name)
    {
        m = Math.Max(1, Math.Min(m, y.Length));
        var lastSeason = y[^m..];
        double s = 0;
        int count = 0;
        for (int t = m; t < y.Length; t++)
        {
            s += (y[t] - y[t - m]) * (y[t] - y[t - m]);
            count++;
        }

        double sigma = count > 0 ? Math.Sqrt(s / count) : 0;
        return new FittedModel(
            name,
            h =>
            {
                var f = new double[h];
                for (int i = 0; i < h; i++)
                {
                    f[i] = lastSeason[i % m];
                }

                return f;
            },
            (h, _) => Enumerable.Range(0, h).Select(i => sigma * Math.Sqrt((i / m) + 1)).ToArray(),
            sigma);
    }

    private int Period(SeriesHistory history)
    {
        if (longest)
        {
            // One full cycle before the forecast is all seasonal naive needs (a 14-day history has a weekly naive).
            var fitting = history.SeasonalPeriods.Where(p => p > 1 && history.Values.Count > p).ToList();
            return fitting.Count > 0 ? fitting.Max() : Math.Max(1, PrimaryPeriod(history));
        }

        return period ?? Math.Max(1, PrimaryPeriod(history));
    }
}
