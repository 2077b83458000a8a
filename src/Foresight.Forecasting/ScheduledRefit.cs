namespace Foresight.Forecasting;

/// <summary>
/// Walk-forward fitting on a schedule: the forecaster is fitted at the first origin and again once
/// <c>refitEvery</c> steps have passed since its last fit; at the origins in between, a fitted model that can be
/// refreshed (<see cref="IRefreshableFitted"/>) keeps its estimated parameters and is conditioned on the newer
/// history, and one that cannot is refitted. Each call sees only the history it is given (the values before its origin).
/// </summary>
public sealed class ScheduledRefit(IForecaster forecaster, int refitEvery)
{
    private IFittedForecaster? _fitted;
    private int _fittedAt = int.MinValue;

    /// <summary>Full fits so far.</summary>
    public int Fits { get; private set; }

    /// <summary>Refreshes so far.</summary>
    public int Refreshes { get; private set; }

    /// <summary>The model for <paramref name="origin"/>, fitted or refreshed on <paramref name="history"/> (the values before the origin).</summary>
    public IFittedForecaster At(int origin, SeriesHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (_fitted is IRefreshableFitted { CanRefresh: true } refreshable && origin - _fittedAt < refitEvery)
        {
            Refreshes++;
            return _fitted = refreshable.Refresh(history);
        }

        Fits++;
        _fittedAt = origin;
        return _fitted = forecaster.Fit(history);
    }

    /// <summary>Refreshes <paramref name="fitted"/> on <paramref name="history"/> when it can be refreshed, else fits <paramref name="forecaster"/> anew.</summary>
    public static IFittedForecaster RefreshOrFit(IForecaster forecaster, IFittedForecaster fitted, SeriesHistory history) =>
        fitted is IRefreshableFitted { CanRefresh: true } refreshable ? refreshable.Refresh(history) : forecaster.Fit(history);
}
