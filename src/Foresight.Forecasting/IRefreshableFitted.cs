namespace Foresight.Forecasting;

/// <summary>
/// A fitted model whose estimated parameters can be applied to a newer history of the same series without being
/// re-estimated: only the state that depends on the latest observations (lags, residuals, local level and scale) is
/// rebuilt. Walk-forward evaluation (<see cref="ScheduledRefit"/>) uses it to refit such a model once per refit period
/// instead of at every origin.
/// </summary>
public interface IRefreshableFitted : IFittedForecaster
{
    /// <summary>False when this instance cannot be refreshed (e.g. a fallback model in a refreshable wrapper); then refit.</summary>
    bool CanRefresh => true;

    /// <summary>The same parameters conditioned on <paramref name="history"/> (same periods, start and frequency).</summary>
    IFittedForecaster Refresh(SeriesHistory history);
}
