namespace Foresight.Autoscaling.External;

/// <summary>The standard normal distribution: CDF from erf (Abramowitz–Stegun 7.1.26, error below 1.5e-7) and its inverse by bisection.</summary>
public static class NormalDistribution
{
    /// <summary>P(Z ≤ <paramref name="z"/>).</summary>
    public static double Cdf(double z)
    {
        if (double.IsNaN(z))
        {
            return double.NaN;
        }

        var x = Math.Abs(z) / Math.Sqrt(2);
        var t = 1 / (1 + (0.3275911 * x));
        var poly = t * (0.254829592 + (t * (-0.284496736 + (t * (1.421413741 + (t * (-1.453152027 + (t * 1.061405429))))))));
        var erf = 1 - (poly * Math.Exp(-x * x));
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }

    /// <summary>The z with <see cref="Cdf"/>(z) = <paramref name="p"/>, for p in (0, 1), to within 1e-9 in z.</summary>
    public static double Quantile(double p)
    {
        if (!(p > 0 && p < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "The probability must be in (0, 1).");
        }

        double lo = -10, hi = 10;
        while (hi - lo > 1e-9)
        {
            var mid = 0.5 * (lo + hi);
            if (Cdf(mid) < p)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return 0.5 * (lo + hi);
    }
}
