using Foresight.Autoscaling.Decisions;
using Foresight.Autoscaling.Kubernetes;
using Foresight.Autoscaling.Observations;

namespace Foresight.Autoscaling.Keda;

/// <summary>
/// KEDA ScaledObject: KEDA activates 0→1 and deactivates to 0 after the cooldown; between 1 and N the HPA it creates
/// scales on the External AverageValue metric (queue length per replica) with HPA tolerance and behavior. With a
/// <see cref="IKedaMetricSource"/> the trigger's metric comes from it instead of the queue (an external scaler).
/// </summary>
public sealed class KedaScaledObjectPolicy(KedaScaledObjectOptions? options = null, IKedaMetricSource? metricSource = null) : IAutoscalerPolicy
{
    private readonly KedaScaledObjectOptions _options = options ?? new KedaScaledObjectOptions();
    private HpaBehaviorController? _behavior;
    private DateTimeOffset? _lastPoll;
    private DateTimeOffset? _lastActive;

    /// <inheritdoc />
    public string Name => metricSource?.Name ?? "keda-scaledobject";

    /// <inheritdoc />
    public TimeSpan Interval => _options.Hpa.SyncPeriod;

    /// <inheritdoc />
    public WorkerLifecycle Lifecycle => WorkerLifecycle.Persistent;

    /// <inheritdoc />
    public TimeSpan ForecastHorizon => metricSource?.ForecastHorizon ?? TimeSpan.Zero;

    /// <inheritdoc />
    public AutoscalerDecision Decide(AutoscalerObservation observation)
    {
        _behavior ??= new HpaBehaviorController(_options.Hpa.Behavior);
        var now = observation.Now;
        var current = observation.CurrentWorkers;
        var min = observation.Pool.MinWorkers;
        var max = observation.Pool.MaxWorkers;
        var (metric, source) = metricSource is null
            ? ((double)(observation.QueueDepth + (_options.QueueLengthIncludesRunning ? observation.RunningJobs : 0)), "queue")
            : metricSource.Metric(observation);

        if (_lastPoll is null || now - _lastPoll.Value >= _options.PollingInterval)
        {
            _lastPoll = now;
            var active = metric > _options.ActivationTarget;
            if (active)
            {
                _lastActive = now;
                if (current == 0)
                {
                    return ScaleTo.Target(observation, Math.Max(min, 1), "activated: scale from zero");
                }
            }
            else if (current > 0 && min == 0 && (_lastActive is null || now - _lastActive.Value >= _options.CooldownPeriod))
            {
                return ScaleTo.Target(observation, 0, "inactive for the cooldown period: scale to zero", drainBusy: false);
            }
        }

        if (current == 0)
        {
            return AutoscalerDecision.Hold(0, "at zero, waiting for activation");
        }

        var hpaMin = Math.Max(min, 1);
        int desired;
        string reason;
        if (current > max)
        {
            desired = max;
            reason = "above max replicas";
        }
        else if (current < hpaMin)
        {
            desired = hpaMin;
            reason = "below min replicas";
        }
        else
        {
            var raw = HpaReplicaCalculator.ExternalAverageValue(metric, _options.TargetPerReplica, current, _options.Hpa.Tolerance);
            desired = _behavior.Normalize(now, current, raw, hpaMin, max);
            reason = $"{source} metric {metric}: recommendation {raw}, normalized {desired}";
        }

        if (desired != current)
        {
            _behavior.RecordScale(now, current, desired);
        }

        return ScaleTo.Target(observation, desired, reason);
    }
}
