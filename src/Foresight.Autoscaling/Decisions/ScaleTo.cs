using Foresight.Autoscaling.Draining;
using Foresight.Autoscaling.Observations;

namespace Foresight.Autoscaling.Decisions;

/// <summary>Turns a target worker count into a decision, choosing the workers to drain on a scale-in.</summary>
public static class ScaleTo
{
    /// <summary>Decision that moves the pool to <paramref name="desired"/> non-draining workers.</summary>
    /// <param name="observation">What the pool looks like.</param>
    /// <param name="desired">Target count of non-draining workers.</param>
    /// <param name="reason">Why, for the decision record.</param>
    /// <param name="drainBusy">Whether busy workers may be drained when idle and booting ones are not enough.</param>
    /// <param name="remainingWork">Predicted remaining work of a busy worker; the least loaded are drained first.</param>
    public static AutoscalerDecision Target(
        AutoscalerObservation observation, int desired, string reason, bool drainBusy = true, Func<WorkerObservation, double>? remainingWork = null)
    {
        var current = observation.CurrentWorkers;
        if (desired >= current)
        {
            return new AutoscalerDecision(desired, [], reason);
        }

        var drain = DrainSelector.Select(observation.Workers, current - desired, drainBusy, remainingWork);
        return new AutoscalerDecision(current - drain.Count, drain, reason);
    }
}
