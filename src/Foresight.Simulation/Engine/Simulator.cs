using Foresight.Autoscaling;
using Foresight.Simulation.Metrics;
using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Engine;

/// <summary>
/// Discrete-event simulator of one worker pool: replays a job trace on virtual time, places jobs with the
/// <see cref="Foresight.Scheduling.PoolScheduler"/>, boots workers with a delay, and evaluates an
/// <see cref="IAutoscalerPolicy"/> every policy interval. Deterministic: same trace, options and seed, same result.
/// </summary>
public sealed class Simulator(SimulationOptions? options = null)
{
    /// <summary>The options every run uses.</summary>
    public SimulationOptions Options { get; } = options ?? new SimulationOptions();

    /// <summary>Replays <paramref name="trace"/> under <paramref name="policy"/> (a fresh instance per run: policies keep state).</summary>
    /// <param name="trace">Jobs to replay.</param>
    /// <param name="policy">Autoscaler to evaluate.</param>
    /// <param name="clock">
    /// Virtual clock to advance, for code that was given the same <see cref="TimeProvider"/> (e.g. a policy that reads
    /// time itself); it is moved to the start of the run, so it must not be later than that. A new one by default.
    /// </param>
    public SimulationResult Run(JobTrace trace, IAutoscalerPolicy policy, VirtualTimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(policy);
        var lead = Options.LeadTime ?? (Options.BootDelay + TimeSpan.FromMinutes(1));
        var start = trace.Jobs.Count > 0 ? trace.Jobs[0].SubmitAt - lead : DateTimeOffset.UnixEpoch;
        if (clock is null)
        {
            clock = new VirtualTimeProvider(start);
        }
        else
        {
            clock.AdvanceTo(start);
        }

        return new SimulationRun(Options, policy, trace, clock).Execute();
    }
}
