using Foresight.Autoscaling;
using Foresight.Simulation.Engine;
using Foresight.Simulation.Forecasts;
using Foresight.Simulation.Metrics;
using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Baselines;

/// <summary>
/// Runs one named policy from <see cref="AutoscalerPolicies"/> on a trace: applies the policy's default pool minimum
/// (unless one is given), gives the oracle the perfect demand forecast and our forecasting policies the arrival
/// forecast (<paramref name="arrivals"/>, the perfect one when null), and searches the fleet size for <c>static:auto</c>.
/// A trace whose jobs ask for labels the workers lack is an error before anything runs.
/// </summary>
public sealed class BaselineRunner(SimulationOptions options, int? minWorkersOverride = null, AutoscalerSettings? settings = null, IForecastProvider? arrivals = null)
{
    /// <summary>For <c>static:auto</c>: the fleet sizes the search tried.</summary>
    public IReadOnlyList<(int Workers, bool Met)> LastSearch { get; private set; } = [];

    /// <summary>The settings policies are created with (boot delay and wait target from the simulation options).</summary>
    public AutoscalerSettings Settings { get; } = (settings ?? new AutoscalerSettings()) with { BootDelay = options.BootDelay, WaitTarget = options.WaitTarget };

    /// <summary>Runs <paramref name="spec"/> on <paramref name="trace"/>.</summary>
    public SimulationResult Run(JobTrace trace, string spec)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(spec);
        TraceLabels.Check(trace, options.WorkerLabels);
        if (spec.Trim().Equals("static:auto", StringComparison.OrdinalIgnoreCase))
        {
            var search = new StaticFleetSearch(options);
            var found = search.Find(trace, options.Pool.MaxWorkers);
            LastSearch = search.Probes;
            return found with { Policy = "static:auto=" + found.Policy["static:".Length..] };
        }

        var policy = AutoscalerPolicies.Create(spec, Settings);
        if (minWorkersOverride is { } given)
        {
            AutoscalerSettings.ValidatePool(options.Pool with { MinWorkers = given });
        }

        var min = minWorkersOverride ?? AutoscalerPolicies.DefaultMinWorkers(spec);
        var pool = options.Pool with { MinWorkers = min, MaxWorkers = Math.Max(min, options.Pool.MaxWorkers) };
        var forecast = AutoscalerPolicies.IsForecasting(spec)
            ? arrivals ?? new PerfectForecastProvider(trace, pool)
            : policy.ForecastHorizon > TimeSpan.Zero ? options.Forecast ?? new PerfectForecastProvider(trace, pool) : options.Forecast;
        var o = options with
        {
            Pool = pool,
            InitialWorkers = options.InitialWorkers ?? min,
            Forecast = forecast,
        };
        return new Simulator(o).Run(trace, policy);
    }
}
