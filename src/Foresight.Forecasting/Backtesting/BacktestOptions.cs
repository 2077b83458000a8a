namespace Foresight.Forecasting.Backtesting;

/// <summary>Rolling-origin settings (statsforecast's cross_validation): forecast <paramref name="Horizon"/> steps from
/// <paramref name="Windows"/> origins spaced <paramref name="Step"/> apart, the last ending at the end of the history.</summary>
public sealed record BacktestOptions(int Horizon, int Step, int Windows)
{
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
    }
}
