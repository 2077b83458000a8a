using Foresight.Autoscaling.Draining;
using Foresight.Autoscaling.Observations;

namespace Foresight.Autoscaling.Decisions;

/// <summary>Turns a target worker count into a decision, choosing the workers to drain on a scale-in.</summary>
public static class ScaleTo
{
    /// <summary>Decision that moves the pool to <paramref name="desired"/> non-draining workers.</summary>
    public static AutoscalerDecision Target(AutoscalerObservation observation, int desired, string reason, bool drainBusy = true)
    {
        var current = observation.CurrentWorkers;
        if (desired >= current)
        {
            return new AutoscalerDecision(desired, [], reason);
        }

        var drain = DrainSelector.Select(observation.Workers, current - desired, drainBusy);
        return new AutoscalerDecision(current - drain.Count, drain, reason);
    }
}
