using Foresight.Forecasting.Numerics;

namespace Foresight.Forecasting.Models;

/// <summary>
/// Multi-seasonal decomposition (MSTL-style, e.g. daily + weekly): each seasonal period that fits twice into the
/// history gets a profile — the mean detrended value per position over the last <c>cycles</c> cycles (default 4;
/// centred moving-average trend, other seasons removed first, two passes). The seasonally adjusted remainder is
/// forecast by non-seasonal ETS chosen by AICc (A error; trend forms from <c>trends</c>, default N and Ad) and the
/// profiles are added back; ETS variance gives the intervals. <c>logTransform</c> (off by default: it scored worse
/// on M4 Hourly) decomposes log values of positive data and maps intervals by the delta method.
/// </summary>
public sealed class MstlForecaster(int cycles = 4, bool logTransform = false, string trends = "ND") : Forecaster
{
    /// <inheritdoc/>
    public override string Name => "MSTL";

    /// <inheritdoc/>
    protected override int MinimumLength(SeriesHistory history) => Math.Max(8, 2 * PrimaryPeriod(history));

    /// <inheritdoc/>
    protected override IFittedForecaster FitCore(SeriesHistory history, double[] y)
    {
        int n = y.Length;
        bool log = logTransform && y.All(v => v > 0);
        var z = log ? y.Select(v => Math.Log(v)).ToArray() : (double[])y.Clone();
        var periods = history.SeasonalPeriods.Where(p => p > 1 && n >= 2 * p).Distinct().OrderBy(p => p).ToArray();
        var profiles = Decompose(z, periods, cycles);
        var adjusted = new double[n];
        for (int t = 0; t < n; t++)
        {
            adjusted[t] = z[t] - SeasonalAt(profiles, periods, t);
        }

        EtsFit? best = null;
        foreach (char trend in trends)
        {
            var fit = EtsFit.Fit(adjusted, new EtsSpec(false, trend, 'N', 1));
            if (fit is not null && (best is null || fit.Aicc < best.Aicc))
            {
                best = fit;
            }
        }

        if (best is null)
        {
            return SeasonalNaiveForecaster.FitValues(y, PrimaryPeriod(history), Name);
        }

        return Build(best, profiles, periods, log, n, history, y);
    }

    /// <summary>
    /// The fitted decomposition; refreshing keeps the profiles and the ETS parameters and continues the ETS recursion
    /// over the newer observations, seasonally adjusted (refit when they do not align).
    /// </summary>
    private IFittedForecaster Build(EtsFit best, double[][] profiles, int[] periods, bool log, int n, SeriesHistory history, double[] y)
    {
        double[] Mean(int h)
        {
            var f = new double[h];
            for (int i = 0; i < h; i++)
            {
                double v = best.Forecast(i + 1) + SeasonalAt(profiles, periods, n + i);
                f[i] = log ? Math.Exp(v) : v;
            }

            return f;
        }

        double[] Sd(int h, double[] mu)
        {
            var s = new double[h];
            for (int i = 0; i < h; i++)
            {
                double sd = best.ForecastSd(i + 1, 0);
                s[i] = log ? mu[i] * sd : sd;
            }

            return s;
        }

        IFittedForecaster Refresh(SeriesHistory newer, double[] values)
        {
            int added = StepsAfter(history, y.Length, newer, values.Length);
            if (added < 0 || (log && values.Any(v => v <= 0)))
            {
                return FitCore(newer, values);
            }

            var adjusted = new double[added];
            for (int i = 0; i < added; i++)
            {
                double v = values[values.Length - added + i];
                adjusted[i] = (log ? Math.Log(v) : v) - SeasonalAt(profiles, periods, n + i);
            }

            var extended = best.Extend(adjusted);
            return extended is null ? FitCore(newer, values) : Build(extended, profiles, periods, log, n + added, newer, values);
        }

        return new FittedModel($"{Name}:{string.Join('+', periods)}:{best.Spec}", Mean, Sd, NaiveSigma(y), Refresh);
    }

    internal static double[][] Decompose(double[] z, int[] periods, int cycles)
    {
        var profiles = periods.Select(p => new double[p]).ToArray();
        for (int pass = 0; pass < 2; pass++)
        {
            for (int k = 0; k < periods.Length; k++)
            {
                int p = periods[k];
                var x = new double[z.Length];
                for (int t = 0; t < z.Length; t++)
                {
                    double other = 0;
                    for (int j = 0; j < periods.Length; j++)
                    {
                        if (j != k)
                        {
                            other += profiles[j][t % periods[j]];
                        }
                    }

                    x[t] = z[t] - other;
                }

                var trend = ClassicalDecomposition.CentredMovingAverage(x, p);
                var sums = new double[p];
                var counts = new int[p];
                int from = Math.Max(0, z.Length - cycles * p - p / 2);
                for (int t = from; t < z.Length; t++)
                {
                    if (!double.IsNaN(trend[t]))
                    {
                        sums[t % p] += x[t] - trend[t];
                        counts[t % p]++;
                    }
                }

                for (int i = 0; i < p; i++)
                {
                    profiles[k][i] = counts[i] > 0 ? sums[i] / counts[i] : 0;
                }

                double mean = Statistics.Mean(profiles[k]);
                for (int i = 0; i < p; i++)
                {
                    profiles[k][i] -= mean;
                }
            }
        }

        return profiles;
    }

    private static double SeasonalAt(double[][] profiles, int[] periods, int t)
    {
        double s = 0;
        for (int j = 0; j < periods.Length; j++)
        {
            s += profiles[j][t % periods[j]];
        }

        return s;
    }
}
