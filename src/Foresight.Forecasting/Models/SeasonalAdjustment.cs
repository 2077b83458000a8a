using Foresight.Forecasting.Numerics;

namespace Foresight.Forecasting.Models;

/// <summary>M4's benchmark recipe: divide by classical multiplicative indices when the 90 % test finds seasonality, forecast, multiply back.</summary>
internal static class SeasonalAdjustment
{
    public static (double[] Adjusted, ClassicalDecomposition Decomposition) Adjust(double[] y, int m)
    {
        var dec = ClassicalDecomposition.Fit(y, m);
        if (!dec.IsSeasonal)
        {
            return (y, dec);
        }

        var adj = new double[y.Length];
        for (int t = 0; t < y.Length; t++)
        {
            adj[t] = y[t] / dec.Factor(t);
        }

        return (adj, dec);
    }

    /// <summary>Re-seasonalises a path forecast from the adjusted series (and its standard deviations, if any); <paramref name="refresh"/> as in <see cref="FittedModel"/>.</summary>
    public static IFittedForecaster Wrap(string name, ClassicalDecomposition dec, int n, Func<int, double[]> mean, Func<int, double[], double[]>? sd, double naiveSigma, Func<SeriesHistory, double[], IFittedForecaster>? refresh = null)
    {
        double[] Mean(int h)
        {
            var f = mean(h);
            for (int i = 0; i < h; i++)
            {
                f[i] *= dec.Factor(n + i);
            }

            return f;
        }

        Func<int, double[], double[]>? Sd = sd is null ? null : (h, mu) =>
        {
            var s = sd(h, mu);
            for (int i = 0; i < h; i++)
            {
                s[i] *= dec.Factor(n + i);
            }

            return s;
        };
        return new FittedModel(name, Mean, Sd, naiveSigma, refresh);
    }

    /// <summary>Fits an ETS form on the M4-adjusted series; null when the form does not fit.</summary>
    public static IFittedForecaster? Ets(string name, double[] y, int m, EtsSpec spec)
    {
        var (adj, dec) = Adjust(y, m);
        var fit = EtsFit.Fit(adj, spec);
        if (fit is null)
        {
            return null;
        }

        return Wrap(
            name,
            dec,
            y.Length,
            h => Enumerable.Range(1, h).Select(fit.Forecast).ToArray(),
            (h, _) => Enumerable.Range(1, h).Select(i => fit.ForecastSd(i, fit.Forecast(i))).ToArray(),
            Forecaster.NaiveSigma(y));
    }
}
