namespace Foresight.Forecasting.Calendar;

/// <summary>
/// Gives any forecaster a holiday calendar: when the history names holidays (<see cref="SeriesHistory.Holidays"/>),
/// the inner model is fitted on the history with holiday steps replaced by their references and its forecasts (mean
/// and interval bounds) for steps on a holiday get the estimated <see cref="HolidayEffects"/>. Without holidays it is
/// the inner model, unchanged.
/// </summary>
public sealed class HolidayAdjustedForecaster(IForecaster inner) : IForecaster
{
    /// <summary>The wrapped model.</summary>
    public IForecaster Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc/>
    public string Name => Inner.Name;

    /// <inheritdoc/>
    public IFittedForecaster Fit(SeriesHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Holidays is not { Count: > 0 } || history.Frequency <= TimeSpan.Zero)
        {
            return Inner.Fit(history);
        }

        var effects = HolidayEffects.Estimate(history);
        var fitted = Inner.Fit(history with { Values = effects.Cleaned, Holidays = null });
        return effects.Compared == 0 ? fitted : new Fitted(fitted, effects, history.Values.Count);
    }

    // Refreshable when the inner fit is: the effects are estimated again on the newer history and the inner model is
    // refreshed on its cleaned values.
    private sealed class Fitted(IFittedForecaster inner, HolidayEffects effects, int length) : IRefreshableFitted
    {
        public string Name => inner.Name;

        public bool CanRefresh => inner is IRefreshableFitted { CanRefresh: true };

        public IFittedForecaster Refresh(SeriesHistory history)
        {
            var newer = HolidayEffects.Estimate(history);
            var refreshed = ((IRefreshableFitted)inner).Refresh(history with { Values = newer.Cleaned, Holidays = null });
            return newer.Compared == 0 ? refreshed : new Fitted(refreshed, newer, history.Values.Count);
        }

        public ForecastResult Predict(int horizon, IReadOnlyList<double> levels)
        {
            var result = inner.Predict(horizon, levels);
            if (!Enumerable.Range(0, result.Mean.Length).Any(k => effects.IsHoliday(length + k)))
            {
                return result;
            }

            double[] Adjust(double[] values) => [.. values.Select((v, k) => effects.Apply(v, length + k))];
            return result with
            {
                Mean = Adjust(result.Mean),
                Intervals = [.. result.Intervals.Select(i => new PredictionInterval(i.Level, Adjust(i.Lower), Adjust(i.Upper)))],
            };
        }
    }
}
