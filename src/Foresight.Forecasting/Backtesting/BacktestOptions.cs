namespace Foresight.Forecasting.Backtesting;

/// <summary>Rolling-origin settings (statsforecast's cross_validation): forecast <paramref name="Horizon"/> steps from
/// <paramref name="Windows"/> origins spaced <paramref name="Step"/> apart, the last ending at the end of the history.</summary>
public sealed record BacktestOptions(int Horizon, int Step, int Windows)
{
    /// <summary>
    /// Steps between full fits (0, the default: a fit at every origin). When positive, the model is fitted at the
    /// earliest origin and again once this many steps have passed, and at the origins in between a refreshable model
    /// keeps its parameters and is conditioned on the newer history (<see cref="ScheduledRefit"/>) — the schedule of a
    /// walk-forward evaluation, so many close origins cost few fits.
    /// </summary>
    public int RefitEvery { get; init; }

    /// <summary>Default for a history: horizon two primary seasons clamped to [8, 48], step = horizon, 3 windows.</summary>
    public static BacktestOptions For(SeriesHistory history)
    {
        int m = history.SeasonalPeriods.Count > 0 ? history.SeasonalPeriods[0] : 1;
        int h = Math.Clamp(2 * m, 8, 48);
        return new BacktestOptions(h, h, 3);
    }

    /// <summary>Throws when a setting is not positive.</summary>
    public void Validate()
    {
        if (Horizon < 1 || Step < 1 || Windows < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Horizon), $"Backtest horizon, step and windows must be positive (got {Horizon}, {Step}, {Windows}).");
        }

        if (RefitEvery < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(RefitEvery), RefitEvery, "Backtest refit period must be 0 (a fit at every origin) or positive.");
        }
    }
}
