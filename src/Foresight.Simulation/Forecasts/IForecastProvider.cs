using Foresight.Autoscaling.Observations;

namespace Foresight.Simulation.Forecasts;

/// <summary>Supplies the load forecast the simulator puts into observations for policies that ask for one.</summary>
public interface IForecastProvider
{
    /// <summary>Forecast of demand, in workers, for [<paramref name="now"/>, <paramref name="now"/> + <paramref name="horizon"/>].</summary>
    LoadForecast? Forecast(DateTimeOffset now, TimeSpan horizon);
}
