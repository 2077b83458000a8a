namespace Foresight.Forecasting.Durations;

/// <summary>
/// One estimator's answer for one job: its own point (what MdAPE scores), calibrated quantiles, and a confidence.
/// </summary>
/// <param name="Estimator">Registry name of the estimator.</param>
/// <param name="PointSeconds">The estimator's own answer (mean, median, EWMA, … of the runs it read).</param>
/// <param name="P10Seconds">10 % quantile: the point scaled by the 10 % quantile of its past errors (conformal).</param>
/// <param name="P50Seconds">Median: the point scaled by the median of its past errors.</param>
/// <param name="P90Seconds">90 % quantile: the point scaled by the 90 % quantile of its past errors.</param>
/// <param name="Confidence">
/// Share of this estimator's recent estimates from the same fallback step whose job ran within a factor 2 of the point:
/// an observed frequency, so calibrated by construction; 0 while uncalibrated.
/// </param>
/// <param name="Source">Fallback step the estimate came from.</param>
/// <param name="Runs">Runs of the key, family or pool the estimate read (0 for the prior).</param>
/// <param name="Calibrated">False while too few past errors were known: the interval is then [point/4, point·4].</param>
public readonly record struct DurationEstimate(
    string Estimator,
    double PointSeconds,
    double P10Seconds,
    double P50Seconds,
    double P90Seconds,
    double Confidence,
    EstimateSource Source,
    long Runs,
    bool Calibrated)
{
    /// <summary>z of the 90 % quantile of the standard normal.</summary>
    private const double Z90 = 1.2815515655446004;

    public TimeSpan P50 => TimeSpan.FromSeconds(P50Seconds);

    public TimeSpan P90 => TimeSpan.FromSeconds(P90Seconds);

    /// <summary>Any quantile, from the log-normal through <see cref="P50Seconds"/> and <see cref="P90Seconds"/>.</summary>
    public double QuantileSeconds(double q)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(q, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(q, 1);
        return P50Seconds * Math.Exp(Sigma * Numerics.Statistics.NormalQuantile(q));
    }

    /// <summary>Mean of the log-normal through P50 and P90: what the expected-completion policy orders by.</summary>
    public double MeanSeconds => P50Seconds * Math.Exp(Sigma * Sigma / 2);

    private double Sigma => P50Seconds > 0 && P90Seconds > P50Seconds ? Math.Log(P90Seconds / P50Seconds) / Z90 : 0;
}
