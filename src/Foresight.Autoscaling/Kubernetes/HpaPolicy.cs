using Foresight.Autoscaling.Decisions;
using Foresight.Autoscaling.Observations;

namespace Foresight.Autoscaling.Kubernetes;

/// <summary>
/// Kubernetes HPA v2 on a worker-utilization target: <c>desired = ceil(ready * utilization / target)</c> outside the
/// tolerance, booting workers treated as not-ready pods, then default stabilization and rate limits.
/// </summary>
public sealed class HpaPolicy(HpaOptions? options = null) : IAutoscalerPolicy
{
    private readonly HpaOptions _options = options ?? new HpaOptions();
    private HpaBehaviorController? _behavior;

    /// <inheritdoc />
    public string Name => _options.TargetUtilizationPercent == new HpaOptions().TargetUtilizationPercent
        ? "hpa"
        : $"hpa:{_options.TargetUtilizationPercent}";

    /// <inheritdoc />
    public TimeSpan Interval => _options.SyncPeriod;

    /// <inheritdoc />
    public WorkerLifecycle Lifecycle => WorkerLifecycle.Persistent;

    /// <inheritdoc />
    public TimeSpan ForecastHorizon => TimeSpan.Zero;

    /// <inheritdoc />
    public AutoscalerDecision Decide(AutoscalerObservation observation)
    {
        _behavior ??= new HpaBehaviorController(_options.Behavior);
        var current = observation.CurrentWorkers;
        var min = observation.Pool.MinWorkers;
        var max = observation.Pool.MaxWorkers;
        if (current > max)
        {
            return Apply(observation, current, max, "above max replicas");
        }

        if (current < min)
        {
            return Apply(observation, current, min, "below min replicas");
        }

        if (current == 0)
        {
            return AutoscalerDecision.Hold(0, "scaling disabled at 0 replicas");
        }

        var ready = new List<double>(current);
        var unready = 0;
        foreach (var w in observation.Workers)
        {
            if (w.State is WorkerState.Idle or WorkerState.Busy)
            {
                ready.Add(w.Utilization);
            }
            else if (w.State == WorkerState.Booting)
            {
                unready++;
            }
        }

        var raw = HpaReplicaCalculator.ResourceUtilization(
            ready, unready, current, _options.TargetUtilizationPercent, _options.Tolerance);
        if (raw is null)
        {
            return AutoscalerDecision.Hold(current, "no ready worker reports a metric");
        }

        var desired = _behavior.Normalize(observation.Now, current, raw.Value, min, max);
        return Apply(observation, current, desired, $"utilization recommendation {raw.Value}, normalized {desired}");
    }

    private AutoscalerDecision Apply(AutoscalerObservation observation, int current, int desired, string reason)
    {
        if (desired != current)
        {
            _behavior!.RecordScale(observation.Now, current, desired);
        }

        return ScaleTo.Target(observation, desired, reason);
    }
}
