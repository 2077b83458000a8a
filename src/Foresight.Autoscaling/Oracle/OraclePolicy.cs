using Foresight.Autoscaling.Decisions;
using Foresight.Autoscaling.Observations;

namespace Foresight.Autoscaling.Oracle;

/// <summary>
/// Lower bound for comparison: given a perfect forecast of demand (in workers) and the boot delay, it keeps enough
/// workers for the peak demand over the time a new worker would take to become useful plus one interval, and never
/// less than the jobs present now need. It drains only idle or booting workers.
/// </summary>
public sealed class OraclePolicy(TimeSpan bootDelay, TimeSpan? interval = null) : IAutoscalerPolicy
{
    /// <inheritdoc />
    public string Name => "oracle";

    /// <inheritdoc />
    public TimeSpan Interval { get; } = interval ?? TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public WorkerLifecycle Lifecycle => WorkerLifecycle.Persistent;

    /// <inheritdoc />
    public TimeSpan ForecastHorizon => bootDelay + Interval;

    /// <inheritdoc />
    public AutoscalerDecision Decide(AutoscalerObservation observation)
    {
        var now = observation.Now;
        var future = observation.Forecast?.MaxUpper(now, now + ForecastHorizon) ?? 0;
        var present = observation.Pool.WorkersFor(observation.QueueDepth + observation.RunningJobs);
        var desired = observation.Pool.Clamp(Math.Max((int)Math.Ceiling(future - 1e-9), present));
        return ScaleTo.Target(observation, desired, $"peak demand ahead {future:0.##}, present {present}", drainBusy: false);
    }
}
