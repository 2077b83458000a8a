using Foresight.Autoscaling.Observations;

namespace Foresight.Autoscaling.Predictive;

/// <summary>
/// <c>hybrid</c>: the larger of <c>predictive</c> and a reactive term (the jobs present plus a little headroom), with
/// scale-in stabilization (never below the highest recommendation of the window) and a cooldown after each
/// scale-out. When the forecast is missing, stale or too wide it falls back to the queue-depth and utilization rules of
/// <see cref="HybridOptions"/> and says so in the reason.
/// </summary>
public sealed class HybridPolicy(PredictiveOptions? options = null, HybridOptions? hybrid = null) : ForecastPolicy(options)
{
    private readonly HybridOptions _hybrid = Checked(hybrid ?? new HybridOptions());
    private readonly Queue<(DateTimeOffset At, int Desired)> _recent = new();
    private DateTimeOffset? _lastScaleOut;

    /// <inheritdoc />
    public override string Name => "hybrid";

    /// <inheritdoc />
    protected override (int Desired, string Reason) Target(AutoscalerObservation observation)
    {
        var now = observation.Now;
        var current = observation.CurrentWorkers;
        var (desired, reason) = Recommend(observation);
        _recent.Enqueue((now, desired));
        while (_recent.Peek().At < now - _hybrid.ScaleInStabilization)
        {
            _recent.Dequeue();
        }

        if (desired > current)
        {
            _lastScaleOut = now;
        }
        else if (desired < current)
        {
            if (_lastScaleOut is { } last && now - last < _hybrid.Cooldown)
            {
                return (current, reason + DemandEstimate.Inv($"; scale-in held: cooldown ({(now - last).TotalSeconds:0} s since the last scale-out)"));
            }

            var stable = Math.Min(current, _recent.Max(r => r.Desired));
            if (stable > desired)
            {
                return (stable, reason + DemandEstimate.Inv($"; scale-in stabilized at {stable} (highest in {_hybrid.ScaleInStabilization.TotalSeconds:0} s)"));
            }
        }

        return (desired, reason);
    }

    private (int Desired, string Reason) Recommend(AutoscalerObservation o)
    {
        var present = Present(o);
        if (Estimate(o, out var whyNot) is { } est)
        {
            var reactive = (int)Math.Ceiling((present * (1 + _hybrid.ReactiveHeadroom)) - 1e-9);
            var (predictive, why) = PredictiveTarget(o, est);
            return predictive >= reactive
                ? (predictive, $"predictive {predictive} ≥ reactive {reactive}: {why}")
                : (reactive, $"reactive {reactive} (queued {o.QueueDepth} + running {o.RunningJobs}) > predictive {predictive}: {why}");
        }

        return Fallback(o, present, whyNot);
    }

    private (int Desired, string Reason) Fallback(AutoscalerObservation o, int present, string whyNot)
    {
        var current = o.CurrentWorkers;
        var utilization = o.MeanUtilization;
        var prefix = $"fallback rules ({whyNot}): ";
        if (o.QueueDepth > 0)
        {
            var target = Math.Max(current, present);
            return (target, prefix + $"queue depth {o.QueueDepth} > 0 → queued + running = {present}");
        }

        var ready = o.Count(WorkerState.Idle) + o.Count(WorkerState.Busy);
        if (ready > 0 && (utilization >= _hybrid.HighUtilization || utilization < _hybrid.LowUtilization))
        {
            var running = Running(o);
            var target = (int)Math.Ceiling((running / _hybrid.TargetUtilization) - 1e-9);
            var rule = utilization >= _hybrid.HighUtilization ? $"≥ {_hybrid.HighUtilization:P0}" : $"< {_hybrid.LowUtilization:P0}";
            return (target, prefix + DemandEstimate.Inv($"utilization {utilization:P0} {rule} → running {running} at {_hybrid.TargetUtilization:P0} = {target}"));
        }

        return (current, prefix + DemandEstimate.Inv($"utilization {utilization:P0} within thresholds → hold"));
    }

    private static HybridOptions Checked(HybridOptions o)
    {
        o.Validate();
        return o;
    }
}
