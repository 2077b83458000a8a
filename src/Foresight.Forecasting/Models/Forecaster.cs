using Foresight.Forecasting.Quality;

namespace Foresight.Forecasting.Models;

/// <summary>
/// Base of every statistical model. It validates the history at the edge, then applies the documented fallbacks:
/// a constant (or all-zero) series gets a flat forecast with zero-width intervals; a history shorter than
/// <see cref="MinimumLength"/> (typically two seasons) gets SeasonalNaive when it holds one full season, else SES
/// (at least 3 points), else Naive; a model that throws while fitting gets SeasonalNaive/Naive. Every fitted model is
/// wrapped in a divergence guard (see <see cref="ForecastGuard"/>), so callers never see NaN or exploding forecasts.
/// </summary>
public abstract class Forecaster : IForecaster
{
    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public IFittedForecaster Fit(SeriesHistory history)
    {
        var y = SeriesValidator.Validate(history);
        if (SeriesValidator.IsConstant(y))
        {
            return new ConstantFitted(Name, y[0]);
        }

        IFittedForecaster fitted;
        string? note = null;
        if (y.Length < MinimumLength(history))
        {
            note = $"history of {y.Length} points is shorter than {Name} needs ({MinimumLength(history)}); short-history fallback";
            fitted = ShortHistoryFallback(history, y);
        }
        else
        {
            try
            {
                fitted = FitCore(history, y);
            }
            catch (Exception ex) when (ex is ArithmeticException or ArgumentException or InvalidOperationException or IndexOutOfRangeException)
            {
                note = $"{Name} failed to fit ({ex.GetType().Name}); seasonal-naive fallback";
                fitted = ForecastGuard.Fallback(history, y);
            }
        }

        return new ForecastGuard(Name, fitted, history, y, note);
    }

    /// <summary>Fewest observations this model fits on; shorter histories get the short-history fallback.</summary>
    protected virtual int MinimumLength(SeriesHistory history) => 2;

    /// <summary>Fits on a validated, non-constant history of at least <see cref="MinimumLength"/> values.</summary>
    protected abstract IFittedForecaster FitCore(SeriesHistory history, double[] y);

    /// <summary>Primary seasonal period (the first one given), or 1 when non-seasonal.</summary>
    protected static int PrimaryPeriod(SeriesHistory history) =>
        history.SeasonalPeriods.Count > 0 ? history.SeasonalPeriods[0] : 1;

    /// <summary>The documented short-history fallback: SeasonalNaive with one full season, else SES (≥ 3 points), else Naive.</summary>
    internal static IFittedForecaster ShortHistoryFallback(SeriesHistory history, double[] y)
    {
        int m = PrimaryPeriod(history);
        if (m > 1 && y.Length >= m + 1)
        {
            return SeasonalNaiveForecaster.FitValues(y, m, "SeasonalNaive");
        }

        return y.Length >= 3 ? SesForecaster.FitValues(y, "SES") : NaiveForecaster.FitValues(y, "Naive");
    }

    /// <summary>
    /// How many steps <paramref name="newer"/> (<paramref name="newerCount"/> values) reaches past the end of
    /// <paramref name="fitted"/> (<paramref name="fittedCount"/> values) of the same series; −1 when the two cannot be
    /// aligned (no or different frequency, an earlier end, or more new steps than the newer history holds).
    /// </summary>
    internal static int StepsAfter(SeriesHistory fitted, int fittedCount, SeriesHistory newer, int newerCount)
    {
        var f = fitted.Frequency;
        if (f <= TimeSpan.Zero || newer.Frequency != f)
        {
            return -1;
        }

        var gap = (newer.Start + (f * newerCount)) - (fitted.Start + (f * fittedCount));
        if (gap.Ticks % f.Ticks != 0)
        {
            return -1;
        }

        long steps = gap.Ticks / f.Ticks;
        return steps >= 0 && steps <= newerCount ? (int)steps : -1;
    }

    /// <summary>Standard deviation of first differences: the spread a naive forecast would have one step ahead.</summary>
    internal static double NaiveSigma(double[] y)
    {
        if (y.Length < 2)
        {
            return 0;
        }

        double s = 0;
        for (int t = 1; t < y.Length; t++)
        {
            s += (y[t] - y[t - 1]) * (y[t] - y[t - 1]);
        }

        return Math.Sqrt(s / (y.Length - 1));
    }
}
