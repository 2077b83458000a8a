using System.Runtime.CompilerServices;
using Foresight.Forecasting.Numerics;

namespace Foresight.Forecasting.Models;

/// <summary>
/// State-space exponential smoothing, fitted by maximum likelihood (Nelder–Mead over the smoothing parameters and
/// the initial level/trend; seasonal states start from a classical decomposition). The state recursions written in
/// terms of the raw error are the same for additive and multiplicative errors; only the likelihood differs.
/// </summary>
internal sealed class EtsFit
{
    /// <summary>Cycles of the series head used to initialise the seasonal states.</summary>
    private const int EtsInitCycles = 4;

    private readonly double[] _season;

    private EtsFit(EtsSpec spec, double[] p, double level, double trend, double[] season, double sigma, double aicc, int n)
    {
        Spec = spec;
        Alpha = p[0];
        Beta = p[1];
        Gamma = p[2];
        Phi = p[3];
        Level = level;
        Trend = trend;
        _season = season;
        Sigma = sigma;
        Aicc = aicc;
        Length = n;
    }

    public EtsSpec Spec { get; }

    public double Alpha { get; }

    public double Beta { get; }

    public double Gamma { get; }

    public double Phi { get; }

    public double Level { get; }

    public double Trend { get; }

    public double Sigma { get; }

    public double Aicc { get; }

    public int Length { get; }

    /// <summary>Fits <paramref name="spec"/>; null when the form cannot be fitted to these data.</summary>
    public static EtsFit? Fit(IReadOnlyList<double> y, EtsSpec spec)
    {
        int n = y.Count;
        bool seasonal = spec.Season != 'N';
        int m = seasonal ? spec.Period : 1;
        if ((seasonal && (m < 2 || n < 2 * m + 2)) || n < 4)
        {
            return null;
        }

        if ((spec.MultiplicativeError || spec.Season == 'M') && y.Any(v => v <= 0))
        {
            return null;
        }

        var season0 = InitialSeason(y, spec, m);
        var (l0, b0) = InitialLevelTrend(y, spec, season0, m);
        bool hasTrend = spec.Trend != 'N';
        bool damped = spec.Trend == 'D';
        var x0 = new List<double> { seasonal ? 0.2 : 0.5 };
        if (hasTrend)
        {
            x0.Add(0.02);
        }

        if (seasonal)
        {
            x0.Add(0.05);
        }

        if (damped)
        {
            x0.Add(0.95);
        }

        double scale = Math.Max(Math.Abs(l0), 1e-6);
        x0.Add(l0 / scale);
        if (hasTrend)
        {
            x0.Add(b0 / scale);
        }

        var yy = y.ToArray();
        var buffer = new double[m];
        double Objective(double[] x)
        {
            var p = Unpack(x, spec, out double l, out double b, scale);
            if (p is null)
            {
                return double.PositiveInfinity;
            }

            return Run(yy, spec, p, l, b, season0, buffer, out _, out _, out _);
        }

        var (best, value) = NelderMead.Minimize(Objective, x0.ToArray(), 0.1, maxEvaluations: 60 * x0.Count + 100, tolerance: 1e-7);
        if (!double.IsFinite(value))
        {
            return null;
        }

        var par = Unpack(best, spec, out double lInit, out double bInit, scale)!;
        var finalSeason = new double[m];
        Run(yy, spec, par, lInit, bInit, season0, finalSeason, out double lEnd, out double bEnd, out double mse);
        int k = x0.Count + (seasonal ? m - 1 : 0) + 1;
        double aicc = value + 2.0 * k + (n - k - 1 > 0 ? 2.0 * k * (k + 1) / (n - k - 1) : double.PositiveInfinity);
        return new EtsFit(spec, par, lEnd, bEnd, finalSeason, Math.Sqrt(mse), aicc, n);
    }

    /// <summary>
    /// The same form and parameters with the recursions continued over <paramref name="added"/>, the observations that
    /// follow the fitted ones (a state update, nothing re-estimated); null when the multiplicative recursions break down.
    /// </summary>
    public EtsFit? Extend(ReadOnlySpan<double> added)
    {
        double l = Level, b = Trend;
        var season = (double[])_season.Clone();
        int m = season.Length;
        for (int i = 0; i < added.Length; i++)
        {
            double lb = l + Phi * b;
            int si = (Length + i) % m;
            double s = season[si];
            double yhat = Spec.Season switch { 'A' => lb + s, 'M' => lb * s, _ => lb };
            double e = added[i] - yhat;
            if ((Spec.MultiplicativeError && yhat <= 0) || !Update(Spec.Season, Alpha, Beta, Gamma, Phi, lb, s, e, ref l, ref b, ref season[si]) || !double.IsFinite(l))
            {
                return null;
            }
        }

        return new EtsFit(Spec, [Alpha, Beta, Gamma, Phi], l, b, season, Sigma, Aicc, Length + added.Length);
    }

    /// <summary>Point forecast h steps ahead (h ≥ 1).</summary>
    public double Forecast(int h)
    {
        double phiSum = Spec.Trend switch { 'N' => 0, 'A' => h, _ => PhiSum(h) };
        double trendPart = Level + phiSum * Trend;
        if (Spec.Season == 'N')
        {
            return trendPart;
        }

        double s = _season[(Length + h - 1) % Spec.Period];
        return Spec.Season == 'A' ? trendPart + s : trendPart * s;
    }

    /// <summary>Forecast standard deviation h steps ahead (class-1 formula; an approximation for multiplicative forms).</summary>
    public double ForecastSd(int h, double mean)
    {
        double v = 1;
        for (int j = 1; j < h; j++)
        {
            double c = Alpha + Spec.Trend switch { 'N' => 0, 'A' => Beta * j, _ => Beta * PhiSum(j) };
            if (Spec.Season != 'N' && j % Spec.Period == 0)
            {
                c += Gamma;
            }

            v += c * c;
        }

        double sd = Sigma * Math.Sqrt(v);
        return Spec.MultiplicativeError ? Math.Abs(mean) * sd : sd;
    }

    private double PhiSum(int h)
    {
        double s = 0, p = 1;
        for (int i = 1; i <= h; i++)
        {
            p *= Phi;
            s += p;
        }

        return s;
    }

    private static double[]? Unpack(double[] x, EtsSpec spec, out double l, out double b, double scale)
    {
        int i = 0;
        double alpha = x[i++];
        double beta = spec.Trend != 'N' ? x[i++] : 0;
        double gamma = spec.Season != 'N' ? x[i++] : 0;
        double phi = spec.Trend == 'D' ? x[i++] : 1;
        l = x[i++] * scale;
        b = spec.Trend != 'N' ? x[i] * scale : 0;
        bool ok = alpha is > 1e-4 and < 0.9999
            && (spec.Trend == 'N' || (beta > 1e-4 && beta < alpha))
            && (spec.Season == 'N' || (gamma > 1e-4 && gamma < 1 - alpha))
            && (spec.Trend != 'D' || phi is >= 0.8 and <= 0.98);
        return ok ? [alpha, beta, gamma, phi] : null;
    }

    /// <summary>Runs the recursions; returns −2·log-likelihood (up to a constant) and the final states.</summary>
    private static double Run(double[] y, EtsSpec spec, double[] p, double l, double b, double[] season0, double[] season, out double lEnd, out double bEnd, out double mse)
    {
        double alpha = p[0], beta = p[1], gamma = p[2], phi = p[3];
        int m = season.Length;
        Array.Copy(season0, season, m);
        double sse = 0, logSum = 0;
        int n = y.Length;
        lEnd = l;
        bEnd = b;
        mse = double.NaN;
        for (int t = 0; t < n; t++)
        {
            double lb = l + phi * b;
            int si = t % m;
            double s = season[si];
            double yhat = spec.Season switch { 'A' => lb + s, 'M' => lb * s, _ => lb };
            double e = y[t] - yhat;
            if (spec.MultiplicativeError)
            {
                if (yhat <= 0)
                {
                    return double.PositiveInfinity;
                }

                double rel = e / yhat;
                sse += rel * rel;
                logSum += Math.Log(yhat);
            }
            else
            {
                sse += e * e;
            }

            if (!Update(spec.Season, alpha, beta, gamma, phi, lb, s, e, ref l, ref b, ref season[si]) || !double.IsFinite(l))
            {
                return double.PositiveInfinity;
            }
        }

        lEnd = l;
        bEnd = b;
        mse = sse / n;
        if (mse <= 0)
        {
            mse = 1e-300;
        }

        return n * Math.Log(mse) + 2 * logSum;
    }

    /// <summary>One step of the state recursions from the error <paramref name="e"/>; false when a multiplicative season breaks down.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Update(char season, double alpha, double beta, double gamma, double phi, double lb, double s, double e, ref double l, ref double b, ref double slot)
    {
        switch (season)
        {
            case 'M':
                if (s <= 0 || lb <= 0)
                {
                    return false;
                }

                l = lb + alpha * e / s;
                b = phi * b + beta * e / s;
                slot = s + gamma * e / lb;
                break;
            case 'A':
                l = lb + alpha * e;
                b = phi * b + beta * e;
                slot = s + gamma * e;
                break;
            default:
                l = lb + alpha * e;
                b = phi * b + beta * e;
                break;
        }

        return true;
    }

    private static double[] InitialSeason(IReadOnlyList<double> y, EtsSpec spec, int m)
    {
        if (spec.Season == 'N')
        {
            return [0.0];
        }

        var head = y.Take(Math.Min(y.Count, EtsInitCycles * m)).ToArray();
        var figure = ClassicalDecomposition.MultiplicativeIndices(head, m);
        if (spec.Season == 'M')
        {
            return figure;
        }

        // Additive figure: per-position mean deviation from the centred moving average.
        var trend = ClassicalDecomposition.CentredMovingAverage(head, m);
        var sums = new double[m];
        var counts = new int[m];
        for (int t = 0; t < head.Length; t++)
        {
            if (!double.IsNaN(trend[t]))
            {
                sums[t % m] += head[t] - trend[t];
                counts[t % m]++;
            }
        }

        var add = new double[m];
        for (int i = 0; i < m; i++)
        {
            add[i] = counts[i] > 0 ? sums[i] / counts[i] : 0;
        }

        double mean = add.Average();
        return add.Select(a => a - mean).ToArray();
    }

    private static (double Level, double Trend) InitialLevelTrend(IReadOnlyList<double> y, EtsSpec spec, double[] season, int m)
    {
        int len = Math.Min(y.Count, spec.Season == 'N' ? 10 : 2 * m);
        var adj = new double[len];
        for (int t = 0; t < len; t++)
        {
            adj[t] = spec.Season switch { 'A' => y[t] - season[t % m], 'M' => y[t] / season[t % m], _ => y[t] };
        }

        var (a, slope) = Statistics.LinearFit(adj);
        return spec.Trend == 'N' ? (adj.Take(Math.Min(len, 5)).Average(), 0) : (a - slope, slope);
    }
}
