using Foresight.Autoscaling.Decisions;
using Foresight.Autoscaling.Observations;

namespace Foresight.Autoscaling.RunnerController;

/// <summary>
/// Actions Runner Controller runner scale sets (<c>cmd/ghalistener/worker/worker.go</c>):
/// <c>target = min(minRunners + totalAssignedJobs, maxRunners)</c>, where assigned jobs are the queued and running jobs
/// of the scale set; on an empty batch (no assigned, no completed job) it keeps <c>max(lastPatch, target)</c>.
/// Runners are ephemeral (one job each); scale-down removes only runners that are not running a job.
/// </summary>
public sealed class ArcScaleSetPolicy(TimeSpan? interval = null) : IAutoscalerPolicy
{
    private int _lastPatch;

    /// <inheritdoc />
    public string Name => "arc";

    /// <inheritdoc />
    public TimeSpan Interval { get; } = interval ?? TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public WorkerLifecycle Lifecycle => WorkerLifecycle.Ephemeral;

    /// <inheritdoc />
    public TimeSpan ForecastHorizon => TimeSpan.Zero;

    /// <inheritdoc />
    public AutoscalerDecision Decide(AutoscalerObservation observation)
    {
        var assigned = observation.QueueDepth + observation.RunningJobs;
        var min = observation.Pool.MinWorkers;
        var target = (int)Math.Min((long)min + assigned, observation.Pool.MaxWorkers);
        var empty = assigned == 0 && observation.RecentCompletions == 0;
        if (empty)
        {
            target = Math.Max(_lastPatch, target);
        }

        _lastPatch = target;
        return ScaleTo.Target(observation, target, $"min {min} + assigned {assigned}{(empty ? " (empty batch)" : string.Empty)}", drainBusy: false);
    }
}
