namespace Foresight.Forecasting.Models;

/// <summary>
/// ETS with automatic selection: every admissible form among error {A, M}, trend {N, A, Ad}, season {N, A, M}
/// (multiplicative parts only for positive data; additive error with a multiplicative season excluded, as in
/// Hyndman et al.'s restricted set) is fitted by maximum likelihood and the lowest AICc wins. Seasonal forms need
/// two full seasons of the primary period. Native intervals from the class-1 variance formula.
/// </summary>
public sealed class EtsForecaster : Forecaster
{
    /// <inheritdoc/>
    public override string Name => "ETS";

    /// <inheritdoc/>
    protected override int MinimumLength(SeriesHistory history) => 4;

    /// <inheritdoc/>
    protected override IFittedForecaster FitCore(SeriesHistory history, double[] y)
    {
        var best = SelectForm(y, PrimaryPeriod(history));
        if (best is null)
        {
            return NaiveForecaster.FitValues(y, Name);
        }

        return Build(best, history, y);
    }

    /// <summary>The fitted form; refreshing continues its recursions over the newer observations (refit when they do not align).</summary>
    private IFittedForecaster Build(EtsFit fit, SeriesHistory history, double[] y) => new FittedModel(
        $"{Name}:{fit.Spec}",
        h => Enumerable.Range(1, h).Select(fit.Forecast).ToArray(),
        (h, mu) => Enumerable.Range(1, h).Select(i => fit.ForecastSd(i, mu[i - 1])).ToArray(),
        NaiveSigma(y),
        (newer, values) =>
        {
            int added = StepsAfter(history, y.Length, newer, values.Length);
            var extended = added >= 0 ? fit.Extend(values.AsSpan(values.Length - added)) : null;
            return extended is null ? FitCore(newer, values) : Build(extended, newer, values);
        });

    /// <summary>Fits every admissible form and returns the one with the lowest AICc (null if none fits).</summary>
    internal static EtsFit? SelectForm(double[] y, int m)
    {
        bool positive = y.All(v => v > 0);
        bool seasonalOk = m > 1 && y.Length >= 2 * m + 2;
        EtsFit? best = null;
        foreach (bool mErr in new[] { false, true })
        {
            if (mErr && !positive)
            {
                continue;
            }

            foreach (char trend in "NAD")
            {
                foreach (char season in "NAM")
                {
                    if ((season != 'N' && !seasonalOk) || (season == 'M' && (!positive || !mErr)))
                    {
                        continue;
                    }

                    var fit = EtsFit.Fit(y, new EtsSpec(mErr, trend, season, m));
                    if (fit is not null && double.IsFinite(fit.Aicc) && (best is null || fit.Aicc < best.Aicc))
                    {
                        best = fit;
                    }
                }
            }
        }

        return best;
    }
}
