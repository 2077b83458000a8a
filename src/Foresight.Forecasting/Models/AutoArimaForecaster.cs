using Foresight.Forecasting.Numerics;

namespace Foresight.Forecasting.Models;

/// <summary>
/// Seasonal auto-ARIMA after Hyndman &amp; Khandakar: D = 1 when the seasonal strength of a classical additive
/// decomposition exceeds 0.64, d from repeated KPSS tests (5 %), then a stepwise search over p, q ≤ 3 and P, Q ≤ 1
/// (smaller than R's 5/2 to keep fitting fast) by AICc, starting from (2,d,2)(1,D,1), (0,d,0)(0,D,0), (1,d,0)(1,D,0)
/// and (0,d,1)(0,D,1), moving one order (or one pair) at a time and toggling the constant when d + D ≤ 1.
/// <c>seasonalDifference</c> forces D (null = the strength test). Fits on at most the last <c>maxSeasons</c> seasons (default 30, i.e. 720 hourly points).
/// </summary>
public sealed class AutoArimaForecaster(int maxSeasons = 30, bool? seasonalDifference = null) : Forecaster
{
    private const int MaxP = 3;
    private const int MaxSeasonalP = 1;

    /// <inheritdoc/>
    public override string Name => "AutoARIMA";

    /// <inheritdoc/>
    protected override int MinimumLength(SeriesHistory history) => Math.Max(10, 2 * PrimaryPeriod(history) + 4);

    /// <inheritdoc/>
    protected override IFittedForecaster FitCore(SeriesHistory history, double[] y)
    {
        int m = PrimaryPeriod(history);
        var best = Search(Tail(y, m), m, seasonalDifference);
        if (best is null)
        {
            return SeasonalNaiveForecaster.FitValues(y, m, Name);
        }

        return Build(best, y);
    }

    /// <summary>The fitted model; refreshing keeps the order and coefficients and conditions them on the newer tail.</summary>
    private IFittedForecaster Build(ArimaFit fit, double[] y) =>
        new FittedModel($"{Name}:{fit.Order}", fit.Forecast, (h, _) => fit.ForecastSd(h), NaiveSigma(y), (history, values) => Build(fit.Refresh(Tail(values, PrimaryPeriod(history))), values));

    private double[] Tail(double[] y, int m) => y.Length > maxSeasons * Math.Max(m, 24) ? y[^(maxSeasons * Math.Max(m, 24))..] : y;

    internal static ArimaFit? Search(double[] y, int m, bool? seasonalDifference = null)
    {
        bool canDifference = m > 1 && y.Length >= 3 * m;
        int seasonalD = canDifference && (seasonalDifference ?? SeasonalStrength(y, m) > 0.64) ? 1 : 0;
        var x = seasonalD == 1 ? ArimaFit.Difference(y, ArimaFit.DifferencingPolynomial(new ArimaOrder(0, 0, 0, 0, 1, 0, m, false))) : y;
        int d = 0;
        while (d < 2 - seasonalD && Kpss(x) > 0.463)
        {
            x = ArimaFit.Difference(x, [1.0, -1.0]);
            d++;
        }

        bool seasonal = m > 1;
        var cache = new Dictionary<ArimaOrder, ArimaFit?>();
        ArimaFit? Try(int p, int q, int sp, int sq, bool c)
        {
            if (p < 0 || q < 0 || sp < 0 || sq < 0 || p > MaxP || q > MaxP || sp > MaxSeasonalP || sq > MaxSeasonalP)
            {
                return null;
            }

            if (!seasonal)
            {
                sp = sq = 0;
            }

            var o = new ArimaOrder(p, d, q, sp, seasonalD, sq, seasonal ? m : 1, c && d + seasonalD <= 1);
            if (!cache.TryGetValue(o, out var fit))
            {
                fit = ArimaFit.Fit(y, o);
                cache[o] = fit;
            }

            return fit;
        }

        bool constant = d + seasonalD <= 1;
        ArimaFit? best = null;
        void Consider(ArimaFit? f)
        {
            if (f is not null && double.IsFinite(f.Aicc) && (best is null || f.Aicc < best.Aicc - 1e-9))
            {
                best = f;
            }
        }

        Consider(Try(2, 2, 1, 1, constant));
        Consider(Try(0, 0, 0, 0, constant));
        Consider(Try(1, 0, 1, 0, constant));
        Consider(Try(0, 1, 0, 1, constant));
        if (constant)
        {
            Consider(Try(0, 0, 0, 0, false));
        }

        for (int iteration = 0; iteration < 40 && best is not null; iteration++)
        {
            var o = best.Order;
            var current = best;
            (int P, int Q, int SP, int SQ, bool C)[] moves =
            [
                (o.P, o.Q, o.SeasonalP - 1, o.SeasonalQ, o.Constant), (o.P, o.Q, o.SeasonalP + 1, o.SeasonalQ, o.Constant),
                (o.P, o.Q, o.SeasonalP, o.SeasonalQ - 1, o.Constant), (o.P, o.Q, o.SeasonalP, o.SeasonalQ + 1, o.Constant),
                (o.P, o.Q, o.SeasonalP - 1, o.SeasonalQ - 1, o.Constant), (o.P, o.Q, o.SeasonalP + 1, o.SeasonalQ + 1, o.Constant),
                (o.P - 1, o.Q, o.SeasonalP, o.SeasonalQ, o.Constant), (o.P + 1, o.Q, o.SeasonalP, o.SeasonalQ, o.Constant),
                (o.P, o.Q - 1, o.SeasonalP, o.SeasonalQ, o.Constant), (o.P, o.Q + 1, o.SeasonalP, o.SeasonalQ, o.Constant),
                (o.P - 1, o.Q - 1, o.SeasonalP, o.SeasonalQ, o.Constant), (o.P + 1, o.Q + 1, o.SeasonalP, o.SeasonalQ, o.Constant),
                (o.P, o.Q, o.SeasonalP, o.SeasonalQ, !o.Constant && constant),
            ];
            foreach (var mv in moves)
            {
                Consider(Try(mv.P, mv.Q, mv.SP, mv.SQ, mv.C));
            }

            if (ReferenceEquals(best, current))
            {
                break;
            }
        }

        return best;
    }

    /// <summary>Seasonal strength max(0, 1 − Var(R)/Var(S + R)) of a classical additive decomposition.</summary>
    internal static double SeasonalStrength(double[] y, int m)
    {
        var trend = ClassicalDecomposition.CentredMovingAverage(y, m);
        var sums = new double[m];
        var counts = new int[m];
        for (int t = 0; t < y.Length; t++)
        {
            if (!double.IsNaN(trend[t]))
            {
                sums[t % m] += y[t] - trend[t];
                counts[t % m]++;
            }
        }

        var fig = sums.Select((s, i) => counts[i] > 0 ? s / counts[i] : 0).ToArray();
        double mean = fig.Average();
        var sr = new List<double>();
        var r = new List<double>();
        for (int t = 0; t < y.Length; t++)
        {
            if (!double.IsNaN(trend[t]))
            {
                double detr = y[t] - trend[t];
                sr.Add(detr);
                r.Add(detr - (fig[t % m] - mean));
            }
        }

        double vsr = Statistics.Variance(sr.ToArray());
        return vsr <= 0 ? 0 : Math.Max(0, 1 - Statistics.Variance(r.ToArray()) / vsr);
    }

    /// <summary>KPSS level-stationarity statistic with a Bartlett long-run variance, lag 4·(n/100)^¼.</summary>
    internal static double Kpss(double[] x)
    {
        int n = x.Length;
        if (n < 10)
        {
            return 0;
        }

        double mean = Statistics.Mean(x);
        double s = 0, sumSq = 0, gamma0 = 0;
        for (int t = 0; t < n; t++)
        {
            double e = x[t] - mean;
            s += e;
            sumSq += s * s;
            gamma0 += e * e;
        }

        int lags = (int)(4 * Math.Pow(n / 100.0, 0.25));
        double lrv = gamma0 / n;
        for (int l = 1; l <= lags; l++)
        {
            double g = 0;
            for (int t = l; t < n; t++)
            {
                g += (x[t] - mean) * (x[t - l] - mean);
            }

            lrv += 2 * (1 - l / (lags + 1.0)) * g / n;
        }

        return lrv <= 0 ? 0 : sumSq / (n * (double)n * lrv);
    }
}
