using System.Runtime.InteropServices;
using Foresight.Forecasting.Numerics;

namespace Foresight.Forecasting.Models;

/// <summary>
/// A seasonal ARIMA fitted by conditional sum of squares (Nelder–Mead, stationarity and invertibility enforced by
/// the Levinson step-down test on each polynomial factor). Forecasts run the ARMA recursion on the differenced
/// series with future shocks at zero and integrate back; intervals come from the ψ-weights of the full model.
/// </summary>
internal sealed class ArimaFit
{
    private readonly double[] _y;
    private readonly double[] _w;
    private readonly double[] _e;
    private readonly (int Lag, double Coef)[] _ar;
    private readonly (int Lag, double Coef)[] _ma;
    private readonly double[] _delta;
    private readonly double _mu;

    private ArimaFit(ArimaOrder order, double[] y, double[] w, double[] e, (int, double)[] ar, (int, double)[] ma, double[] delta, double mu, double sigma2, double aicc)
    {
        Order = order;
        _y = y;
        _w = w;
        _e = e;
        _ar = ar;
        _ma = ma;
        _delta = delta;
        _mu = mu;
        Sigma2 = sigma2;
        Aicc = aicc;
    }

    public ArimaOrder Order { get; }

    public double Sigma2 { get; }

    public double Aicc { get; }

    /// <summary>Non-seasonal AR coefficients (φ₁..φ_p) as fitted; exposed for tests.</summary>
    public double[] ArCoefficients { get; private init; } = [];

    public static ArimaFit? Fit(double[] y, ArimaOrder o)
    {
        var delta = DifferencingPolynomial(o);
        var w = Difference(y, delta);
        int start = o.P + o.Period * o.SeasonalP;
        int nEff = w.Length - start;
        int k = o.P + o.Q + o.SeasonalP + o.SeasonalQ + (o.Constant ? 1 : 0);
        if (nEff < k + 10)
        {
            return null;
        }

        double wMean = Statistics.Mean(w);
        double wSd = Math.Sqrt(Math.Max(Statistics.Variance(w), 1e-12));
        var e = new double[w.Length];
        var ar = new List<(int, double)>();
        var ma = new List<(int, double)>();
        double Css(double[] x)
        {
            if (!Expand(x, o, ar, ma))
            {
                return double.PositiveInfinity;
            }

            double mu = o.Constant ? x[^1] * wSd : 0;
            double css = Residuals(w, mu, ar, ma, start, e);
            return double.IsFinite(css) ? nEff * Math.Log(css / nEff) : double.PositiveInfinity;
        }

        var x0 = new double[k];
        if (o.Constant)
        {
            x0[^1] = wMean / wSd;
        }

        var (best, value) = NelderMead.Minimize(Css, x0, 0.1, maxEvaluations: 120 * Math.Max(k, 1) + 50, tolerance: 1e-8);
        if (!double.IsFinite(value))
        {
            return null;
        }

        Expand(best, o, ar, ma);
        double muHat = o.Constant ? best[^1] * wSd : 0;
        double cssHat = Residuals(w, muHat, ar, ma, start, e);
        double sigma2 = cssHat / nEff;
        int kk = k + 1;
        double aicc = value + 2.0 * kk + 2.0 * kk * (kk + 1) / Math.Max(nEff - kk - 1, 1);
        return new ArimaFit(o, y, w, e, ar.ToArray(), ma.ToArray(), delta, muHat, sigma2, aicc)
        {
            ArCoefficients = best.Take(o.P).ToArray(),
        };
    }

    /// <summary>
    /// The same order and coefficients (constant, σ², AICc kept) conditioned on <paramref name="y"/>: the differenced
    /// series and its conditional residuals are recomputed, nothing is re-estimated.
    /// </summary>
    public ArimaFit Refresh(double[] y)
    {
        var w = Difference(y, _delta);
        var e = new double[w.Length];
        Residuals(w, _mu, [.. _ar], [.. _ma], Order.P + (Order.Period * Order.SeasonalP), e);
        return new ArimaFit(Order, y, w, e, _ar, _ma, _delta, _mu, Sigma2, Aicc) { ArCoefficients = ArCoefficients };
    }

    public double[] Forecast(int h)
    {
        int n = _w.Length;
        var w = new double[n + h];
        Array.Copy(_w, w, n);
        for (int t = n; t < n + h; t++)
        {
            double v = _mu;
            foreach (var (lag, c) in _ar)
            {
                v += c * (w[t - lag] - _mu);
            }

            foreach (var (lag, c) in _ma)
            {
                int s = t - lag;
                if (s < n && s >= 0)
                {
                    v += c * _e[s];
                }
            }

            w[t] = v;
        }

        int ny = _y.Length, d = _delta.Length - 1;
        var y = new double[ny + h];
        Array.Copy(_y, y, ny);
        for (int t = ny; t < ny + h; t++)
        {
            double v = w[t - ny + n];
            for (int k = 1; k <= d; k++)
            {
                v -= _delta[k] * y[t - k];
            }

            y[t] = v;
        }

        return y[ny..];
    }

    public double[] ForecastSd(int h)
    {
        // Full AR operator: (1 − Σ a_k B^k)·Δ(B); ψ_j = c_j + Σ φ*_k ψ_{j−k}.
        int maxLag = (_ar.Length == 0 ? 0 : _ar.Max(a => a.Lag)) + _delta.Length;
        var phiStar = new double[maxLag + 1];
        var arPoly = new double[maxLag + 1];
        arPoly[0] = 1;
        foreach (var (lag, c) in _ar)
        {
            arPoly[lag] -= c;
        }

        for (int i = 0; i <= maxLag; i++)
        {
            for (int j = 0; j < _delta.Length && i + j <= maxLag; j++)
            {
                phiStar[i + j] += arPoly[i] * _delta[j];
            }
        }

        var psi = new double[h];
        psi[0] = 1;
        for (int j = 1; j < h; j++)
        {
            double v = 0;
            foreach (var (lag, c) in _ma)
            {
                if (lag == j)
                {
                    v += c;
                }
            }

            for (int k = 1; k <= Math.Min(j, maxLag); k++)
            {
                v -= phiStar[k] * psi[j - k];
            }

            psi[j] = v;
        }

        var sd = new double[h];
        double acc = 0;
        for (int j = 0; j < h; j++)
        {
            acc += psi[j] * psi[j];
            sd[j] = Math.Sqrt(Sigma2 * acc);
        }

        return sd;
    }

    /// <summary>Coefficients of (1−B)^d(1−B^m)^D, constant term first.</summary>
    internal static double[] DifferencingPolynomial(ArimaOrder o)
    {
        double[] poly = [1.0];
        for (int i = 0; i < o.D; i++)
        {
            poly = Multiply(poly, [1.0, -1.0]);
        }

        for (int i = 0; i < o.SeasonalD; i++)
        {
            var s = new double[o.Period + 1];
            s[0] = 1;
            s[o.Period] = -1;
            poly = Multiply(poly, s);
        }

        return poly;
    }

    internal static double[] Difference(double[] y, double[] delta)
    {
        int d = delta.Length - 1;
        var w = new double[Math.Max(0, y.Length - d)];
        for (int t = d; t < y.Length; t++)
        {
            double v = 0;
            for (int k = 0; k <= d; k++)
            {
                v += delta[k] * y[t - k];
            }

            w[t - d] = v;
        }

        return w;
    }

    private static double[] Multiply(double[] a, double[] b)
    {
        var r = new double[a.Length + b.Length - 1];
        for (int i = 0; i < a.Length; i++)
        {
            for (int j = 0; j < b.Length; j++)
            {
                r[i + j] += a[i] * b[j];
            }
        }

        return r;
    }

    private static double Residuals(double[] w, double mu, List<(int Lag, double Coef)> ar, List<(int Lag, double Coef)> ma, int start, double[] e)
    {
        double css = 0;
        // Only the residuals before the first one computed are read before being written: clear those.
        Array.Clear(e, 0, Math.Min(start, e.Length));
        // Spans over the lists: the same terms in the same order as enumerating them, without the enumerator's checks.
        var arTerms = CollectionsMarshal.AsSpan(ar);
        var maTerms = CollectionsMarshal.AsSpan(ma);
        for (int t = start; t < w.Length; t++)
        {
            double v = w[t] - mu;
            foreach (var (lag, c) in arTerms)
            {
                v -= c * (w[t - lag] - mu);
            }

            foreach (var (lag, c) in maTerms)
            {
                if (t - lag >= 0)
                {
                    v -= c * e[t - lag];
                }
            }

            e[t] = v;
            css += v * v;
        }

        return css;
    }

    /// <summary>Multiplies out φ(B)Φ(B^m) and θ(B)Θ(B^m) into sparse lag lists; false if a factor is not stationary/invertible.</summary>
    private static bool Expand(double[] x, ArimaOrder o, List<(int, double)> ar, List<(int, double)> ma)
    {
        var phi = x.AsSpan(0, o.P);
        var theta = x.AsSpan(o.P, o.Q);
        var sphi = x.AsSpan(o.P + o.Q, o.SeasonalP);
        var stheta = x.AsSpan(o.P + o.Q + o.SeasonalP, o.SeasonalQ);
        if (!Stable(phi, 1) || !Stable(sphi, 1) || !Stable(theta, -1) || !Stable(stheta, -1))
        {
            return false;
        }

        ar.Clear();
        ma.Clear();

        // AR side: 1 − Σa_k B^k = (1 − Σφ_i B^i)(1 − ΣΦ_j B^{jm}); a_k collects the negated products.
        for (int i = 0; i <= o.P; i++)
        {
            double pi = i == 0 ? 1 : -phi[i - 1];
            for (int j = 0; j <= o.SeasonalP; j++)
            {
                double pj = j == 0 ? 1 : -sphi[j - 1];
                int lag = i + j * o.Period;
                if (lag > 0)
                {
                    ar.Add((lag, -pi * pj));
                }
            }
        }

        for (int i = 0; i <= o.Q; i++)
        {
            double qi = i == 0 ? 1 : theta[i - 1];
            for (int j = 0; j <= o.SeasonalQ; j++)
            {
                double qj = j == 0 ? 1 : stheta[j - 1];
                int lag = i + j * o.Period;
                if (lag > 0)
                {
                    ma.Add((lag, qi * qj));
                }
            }
        }

        return true;
    }

    /// <summary>Levinson step-down: the polynomial 1 − sign·Σc_i z^i has all roots outside the unit circle.</summary>
    private static bool Stable(ReadOnlySpan<double> c, int sign)
    {
        if (c.Length == 0)
        {
            return true;
        }

        Span<double> a = stackalloc double[c.Length];
        for (int i = 0; i < c.Length; i++)
        {
            a[i] = sign * c[i];
        }

        Span<double> buffer = stackalloc double[c.Length];
        for (int p = a.Length; p >= 1; p--)
        {
            double k = a[p - 1];
            if (Math.Abs(k) >= 0.995)
            {
                return false;
            }

            var next = buffer[..(p - 1)];
            for (int i = 0; i < p - 1; i++)
            {
                next[i] = (a[i] + k * a[p - 2 - i]) / (1 - k * k);
            }

            next.CopyTo(a);
            a = a[..(p - 1)];
        }

        return true;
    }
}
