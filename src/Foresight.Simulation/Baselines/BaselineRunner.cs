using Foresight.Simulation.Engine;
using Foresight.Simulation.Forecasts;
using Foresight.Simulation.Metrics;
using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Baselines;

/// <summary>
/// Runs one named baseline on a trace: applies the baseline's default pool minimum (unless one is given), builds the
/// perfect forecast for the oracle, and searches the fleet size for <c>static:auto</c>.
/// </summary>
public sealed class BaselineRunner(SimulationOptions options, int? minWorkersOverride = null)
{
    /// <summary>For <c>static:auto</c>: the fleet sizes the search tried.</summary>
    public IReadOnlyList<(int Workers, bool Met)> LastSearch { get; private set; } = [];

    /// <summary>Runs <paramref name="spec"/> on <paramref name="trace"/>.</summary>
    public SimulationResult Run(JobTrace trace, string spec)
    {
        if (spec.Trim().Equals("static:auto", StringComparison.OrdinalIgnoreCase))
        {
            var search = new StaticFleetSearch(options);
            var found = search.Find(trace, options.Pool.MaxWorkers);
            LastSearch = search.Probes;
            return found with { Policy = "static:auto=" + found.Policy["static:".Length..] };
        }

        var policy = AutoscalerCatalog.Create(spec, options.BootDelay);
        var min = minWorkersOverride ?? AutoscalerCatalog.DefaultMinWorkers(spec);
        var pool = options.Pool with { MinWorkers = min, MaxWorkers = Math.Max(min, options.Pool.MaxWorkers) };
        var o = options with
        {
            Pool = pool,
            InitialWorkers = options.InitialWorkers ?? min,
            Forecast = policy.ForecastHorizon > TimeSpan.Zero ? options.Forecast ?? new PerfectForecastProvider(trace, pool) : options.Forecast,
        };
        return new Simulator(o).Run(trace, policy);
    }
}
