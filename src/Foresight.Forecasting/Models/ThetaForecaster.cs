using Foresight.Forecasting.Numerics;

namespace Foresight.Forecasting.Models;

/// <summary>
/// M4's standard Theta (Assimakopoulos &amp; Nikolopoulos; the forecast package's thetaf): on the M4-adjusted series,
/// SES plus half the slope of the least-squares line, f_h = SES + b/2·((h−1) + (1 − (1−α)^n)/α); SES intervals.
/// </summary>
public sealed class ThetaForecaster : Forecaster
{
    /// <inheritdoc/>
    public override string Name => "Theta";

    /// <inheritdoc/>
    protected override int MinimumLength(SeriesHistory history) => 4;

    /// <inheritdoc/>
    protected override IFittedForecaster FitCore(SeriesHistory history, double[] y)
    {
        var (adj, dec) = SeasonalAdjustment.Adjust(y, PrimaryPeriod(history));
        var ses = EtsFit.Fit(adj, new EtsSpec(false, 'N', 'N', 1));
        if (ses is null)
        {
            return NaiveForecaster.FitValues(y, Name);
        }

        double halfSlope = Statistics.LinearFit(adj).Slope / 2;
        return Build(ses, dec, halfSlope, history, y);
    }

    /// <summary>
    /// The fitted Theta; refreshing keeps the decomposition, α and the slope and continues the SES recursion over the
    /// newer observations, seasonally adjusted (refit when they do not align).
    /// </summary>
    private IFittedForecaster Build(EtsFit ses, ClassicalDecomposition dec, double halfSlope, SeriesHistory history, double[] y)
    {
        double alpha = ses.Alpha;
        int n = ses.Length;
        double offset = (1 - Math.Pow(1 - alpha, n)) / alpha;
        return SeasonalAdjustment.Wrap(
            Name,
            dec,
            n,
            h => Enumerable.Range(0, h).Select(i => ses.Forecast(i + 1) + halfSlope * (i + offset)).ToArray(),
            (h, _) => Enumerable.Range(1, h).Select(i => ses.ForecastSd(i, ses.Forecast(i))).ToArray(),
            NaiveSigma(y),
            (newer, values) =>
            {
                int added = StepsAfter(history, y.Length, newer, values.Length);
                if (added < 0)
                {
                    return FitCore(newer, values);
                }

                var adj = new double[added];
                for (int i = 0; i < added; i++)
                {
                    adj[i] = values[values.Length - added + i] / dec.Factor(n + i);
                }

                var extended = ses.Extend(adj);
                return extended is null ? FitCore(newer, values) : Build(extended, dec, halfSlope, newer, values);
            });
    }
}
