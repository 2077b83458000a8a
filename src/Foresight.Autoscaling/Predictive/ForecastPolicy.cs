using Foresight.Autoscaling.Decisions;
using Foresight.Autoscaling.Observations;

namespace Foresight.Autoscaling.Predictive;

/// <summary>
/// Common shape of our forecast-driven policies: persistent workers, a look-ahead of boot delay + one interval, a
/// <see cref="LoadModel"/> fed by every observation, and scale-in that drains the workers with the least predicted
/// remaining work (idle and booting ones first; busy ones only drain, so no running job is killed).
/// </summary>
public abstract class ForecastPolicy(PredictiveOptions? options) : IAutoscalerPolicy
{
    /// <summary>The settings.</summary>
    protected PredictiveOptions Options { get; } = Checked(options ?? new PredictiveOptions());

    /// <summary>What the policy has learned from its observations.</summary>
    public LoadModel Load { get; } = new();

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public TimeSpan Interval => Options.Interval;

    /// <inheritdoc />
    public WorkerLifecycle Lifecycle => WorkerLifecycle.Persistent;

    /// <inheritdoc />
    public TimeSpan ForecastHorizon => Options.BootDelay + Options.Interval;

    /// <inheritdoc />
    public AutoscalerDecision Decide(AutoscalerObservation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        Load.Observe(observation);
        var (desired, reason) = Target(observation);
        var clamped = observation.Pool.Clamp(desired);
        if (clamped != desired)
        {
            reason += clamped > desired ? "; raised to the pool minimum" : "; capped at the pool maximum";
        }

        return ScaleTo.Target(observation, clamped, reason, drainBusy: true, w => Load.RemainingWork(w, observation.Now));
    }

    /// <summary>Workers needed for the jobs present now (queued + running).</summary>
    protected static int Present(AutoscalerObservation o) => o.Pool.WorkersFor(o.QueueDepth + o.RunningJobs);

    /// <summary>Workers the running jobs occupy: the policies never scale in below this.</summary>
    protected static int Running(AutoscalerObservation o) => o.Pool.WorkersFor(o.RunningJobs);

    /// <summary>The forecast-based demand over the look-ahead window, or null with why not.</summary>
    protected DemandEstimate? Estimate(AutoscalerObservation o, out string whyNot) => DemandEstimate.From(o, Load, Options, out whyNot);

    /// <summary>
    /// The <c>predictive</c> target: forecast upper quantile of demand plus the backlog to drain within the wait target;
    /// when that is below the current size, no lower than the running jobs nor the forecast's lower bound.
    /// </summary>
    protected (int Desired, string Reason) PredictiveTarget(AutoscalerObservation o, DemandEstimate est)
    {
        var running = Running(o);
        var backlog = DemandEstimate.Backlog(o, Load, Options.WaitTarget) * Options.BacklogShare;
        var need = (int)Math.Ceiling((Math.Max(est.AheadUpper * (1 + Options.Headroom), running + o.QueueDepth) + backlog) - 1e-9);
        var reason = DemandEstimate.Inv($"{est}; backlog {o.QueueDepth} queued → +{backlog:0.#}");
        var current = o.CurrentWorkers;
        if (need < current)
        {
            var floor = Math.Max(running, (int)Math.Ceiling(est.Floor * Options.FloorShare - 1e-9));
            if (need < floor)
            {
                return (Math.Min(current, floor), reason + DemandEstimate.Inv($"; scale-in floor {floor} (running {running}, forecast lower bound {est.Floor:0.#} × {Options.FloorShare})"));
            }
        }

        return (need, reason);
    }

    /// <summary>Desired workers and the reason.</summary>
    protected abstract (int Desired, string Reason) Target(AutoscalerObservation observation);

    private static PredictiveOptions Checked(PredictiveOptions o)
    {
        o.Validate();
        return o;
    }
}
