using Foresight.Autoscaling.Observations;

namespace Foresight.Autoscaling.External;

/// <summary>
/// Re-reads a forecast's intervals at another quantile: a two-sided interval at level L has its upper bound at the
/// (1 + L) / 2 quantile; taking each bucket's spread as normal, the bound at quantile q is mean + z(q) / z((1 + L) / 2)
/// × (upper − mean), and the lower bound mirrors it at 1 − q (never below 0).
/// </summary>
public static class ForecastQuantile
{
    /// <summary>The quantile the external scaler and <c>keda-foresight</c> use when none is given.</summary>
    public const double Default = 0.9;

    /// <summary>Checks a quantile; the message names <paramref name="field"/>.</summary>
    public static string? Check(double quantile, string field = "quantile") =>
        quantile is > 0 and < 1 ? null : $"{field} must be in (0, 1) (was {quantile.ToString(System.Globalization.CultureInfo.InvariantCulture)})";

    /// <summary>
    /// <paramref name="forecast"/> with its intervals at <paramref name="quantile"/>; unchanged when it has no
    /// interval level in (0, 1) (a missing or perfect forecast).
    /// </summary>
    public static LoadForecast At(LoadForecast forecast, double quantile)
    {
        ArgumentNullException.ThrowIfNull(forecast);
        if (Check(quantile) is { } problem)
        {
            throw new ArgumentOutOfRangeException(nameof(quantile), quantile, problem);
        }

        if (!(forecast.Level is > 0 and < 1))
        {
            return forecast;
        }

        var scale = NormalDistribution.Quantile(quantile) / NormalDistribution.Quantile((1 + forecast.Level) / 2);
        return forecast with
        {
            Points = Rescale(forecast.Points, scale),
            Arrivals = Rescale(forecast.Arrivals, scale),
            Level = Math.Abs((2 * quantile) - 1),
        };
    }

    /// <summary>
    /// P(X &gt; <paramref name="threshold"/>) for a normal X with mean <paramref name="mean"/> whose upper bound at
    /// level <paramref name="level"/> is <paramref name="upper"/>; 0 or 1 when the spread is 0.
    /// </summary>
    public static double Exceedance(double mean, double upper, double level, double threshold)
    {
        var z = level is > 0 and < 1 ? NormalDistribution.Quantile((1 + level) / 2) : 0;
        var sigma = z > 0 ? Math.Max(0, upper - mean) / z : 0;
        if (sigma <= 0)
        {
            return mean > threshold ? 1 : 0;
        }

        return 1 - NormalDistribution.Cdf((threshold - mean) / sigma);
    }

    private static ForecastPoint[] Rescale(IReadOnlyList<ForecastPoint> points, double scale) =>
        [.. points.Select(p => p with
        {
            Upper = Math.Max(0, p.Mean + (scale * (p.Upper - p.Mean))),
            Lower = Math.Max(0, Math.Min(p.Mean + (scale * (p.Upper - p.Mean)), p.Mean - (Math.Abs(scale) * (p.Mean - p.Lower)))),
        })];
}
