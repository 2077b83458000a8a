namespace Foresight.Forecasting.Backtesting;

/// <summary>
/// Out-of-sample seasonal naive at a given period, forecast from an origin exactly as a model would be: the forecast
/// of step k (1-based) from origin t is y[t + k − 1 − m·⌈k/m⌉], the last observed value at the same phase.
/// </summary>
public static class SeasonalNaiveBaseline
{
    /// <summary>Index of the value seasonal naive at period <paramref name="period"/> forecasts for step <paramref name="step"/> from <paramref name="origin"/>; negative when that season is not observed.</summary>
    public static int SourceIndex(int origin, int step, int period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        return origin + step - 1 - (period * ((step + period - 1) / period));
    }

    /// <summary>The forecast, or NaN when the history before <paramref name="origin"/> is shorter than the period.</summary>
    public static double Forecast(IReadOnlyList<double> y, int origin, int step, int period)
    {
        ArgumentNullException.ThrowIfNull(y);
        int source = SourceIndex(origin, step, period);
        return source >= 0 && source < origin ? y[source] : double.NaN;
    }
}
