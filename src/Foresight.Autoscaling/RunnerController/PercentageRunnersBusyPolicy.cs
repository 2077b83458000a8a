using Foresight.Autoscaling.Decisions;
using Foresight.Autoscaling.Observations;

namespace Foresight.Autoscaling.RunnerController;

/// <summary>
/// Legacy ARC HorizontalRunnerAutoscaler with PercentageRunnersBusy: <c>f = busy / desired</c>; at or above the
/// up-threshold <c>ceil(d * 1.3)</c>, below the down-threshold <c>int(d * 0.7)</c>; clamped to min/max; no scale-down
/// within the delay after the last scale-out. Busy runners are never removed.
/// </summary>
public sealed class PercentageRunnersBusyPolicy(PercentageRunnersBusyOptions? options = null) : IAutoscalerPolicy
{
    private readonly PercentageRunnersBusyOptions _options = options ?? new PercentageRunnersBusyOptions();
    private DateTimeOffset? _lastScaleOut;

    /// <inheritdoc />
    public string Name => "arc-legacy";

    /// <inheritdoc />
    public TimeSpan Interval => _options.SyncPeriod;

    /// <inheritdoc />
    public WorkerLifecycle Lifecycle => WorkerLifecycle.Persistent;

    /// <inheritdoc />
    public TimeSpan ForecastHorizon => TimeSpan.Zero;

    /// <inheritdoc />
    public AutoscalerDecision Decide(AutoscalerObservation observation)
    {
        var desiredBefore = observation.CurrentWorkers;
        var busy = 0;
        foreach (var w in observation.Workers)
        {
            if (w.RunningJobs > 0 && w.State is WorkerState.Busy or WorkerState.Draining)
            {
                busy++;
            }
        }

        int suggested;
        string reason;
        if (desiredBefore == 0)
        {
            suggested = observation.QueueDepth > 0 ? 1 : 0;
            reason = "no runner";
        }
        else
        {
            var fraction = busy / (double)desiredBefore;
            if (fraction >= _options.ScaleUpThreshold)
            {
                suggested = (int)Math.Ceiling(desiredBefore * _options.ScaleUpFactor);
            }
            else if (fraction < _options.ScaleDownThreshold)
            {
                suggested = (int)(desiredBefore * _options.ScaleDownFactor);
            }
            else
            {
                suggested = desiredBefore;
            }

            reason = $"busy {busy}/{desiredBefore} = {fraction:0.00}";
        }

        suggested = observation.Pool.Clamp(suggested);
        if (suggested < desiredBefore && _lastScaleOut is { } last && observation.Now < last + _options.ScaleDownDelayAfterScaleOut)
        {
            suggested = desiredBefore;
            reason += ", scale-down delayed after scale-out";
        }

        if (suggested > desiredBefore)
        {
            _lastScaleOut = observation.Now;
        }

        return ScaleTo.Target(observation, suggested, reason, drainBusy: false);
    }
}
