using Foresight.Autoscaling.Observations;
using Foresight.Forecasting;
using Foresight.Forecasting.Calendar;
using Foresight.Forecasting.Selection;
using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Forecasts;

/// <summary>
/// The forecasters <c>--forecaster</c> accepts: <c>auto</c> (per-refit automatic selection among the statistical
/// candidates by rolling-origin backtest), <c>perfect</c> (the true future, for comparison) or any statistical model by
/// name (case-insensitive). Each model takes the history's holiday calendar into account when it has one
/// (<see cref="HolidayAdjustedForecaster"/>).
/// </summary>
public static class SimulationForecasters
{
    /// <summary>Every accepted name.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["auto", "perfect", .. StatisticalForecasters.All().Select(f => f.Name).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>The forecasting model called <paramref name="name"/> (not <c>perfect</c>, which is no model).</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the valid ones.</exception>
    public static IForecaster Model(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var n = name.Trim();
        if (n.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return new HolidayAdjustedForecaster(new AutoSelectForecaster(StatisticalForecasters.SelectionCandidates(), null));
        }

        return StatisticalForecasters.All().FirstOrDefault(f => f.Name.Equals(n, StringComparison.OrdinalIgnoreCase)) is { } model
            ? new HolidayAdjustedForecaster(model)
            : throw new ArgumentException($"Unknown forecaster '{name}'. Valid: {string.Join(", ", Names)}.", nameof(name));
    }

    /// <summary>The forecast provider for <paramref name="name"/> on <paramref name="trace"/>.</summary>
    public static IForecastProvider Create(string name, JobTrace trace, PoolLimits pool, ArrivalForecastOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        options ??= new ArrivalForecastOptions();
        return name.Trim().Equals("perfect", StringComparison.OrdinalIgnoreCase)
            ? new PerfectForecastProvider(trace, pool, options.Bucket)
            : new ArrivalForecastProvider(trace, Model(name), options);
    }
}
