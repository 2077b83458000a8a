using Foresight.Forecasting;
using Foresight.Simulation.Forecasts;

namespace Foresight.Grains.Autoscaling;

/// <summary>
/// Forecasters by name for model versions: the simulator's (<see cref="SimulationForecasters.Model"/>), so a replay
/// with <c>--forecaster X</c> fits what the cluster fits, plus any registered by the host (tests register models that fail).
/// </summary>
public sealed class ForecasterCatalog
{
    private readonly Dictionary<string, Func<IForecaster>> _extra = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Adds a forecaster under <paramref name="name"/>.</summary>
    public ForecasterCatalog With(string name, Func<IForecaster> create)
    {
        _extra[name] = create;
        return this;
    }

    /// <summary>The forecaster called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name (the message lists the valid ones).</exception>
    public IForecaster Create(string name) =>
        _extra.TryGetValue(name, out var create) ? create() : SimulationForecasters.Model(name);
}
