using Foresight.Autoscaling.Observations;

namespace Foresight.Autoscaling.Predictive;

/// <summary>
/// <c>predictive</c>: pre-warms for the forecast's upper quantile of demand over [now, now + boot delay + interval]:
/// workers = forecast arrival rate × expected run time (learned from completions) + the queued backlog to drain within
/// the wait target. It never scales in on the forecast alone below the running jobs, and the forecast's lower bound is
/// a scale-in floor. Without a usable forecast it sizes for the jobs present (queued + running) and says so.
/// </summary>
public sealed class PredictivePolicy(PredictiveOptions? options = null) : ForecastPolicy(options)
{
    /// <inheritdoc />
    public override string Name => "predictive";

    /// <inheritdoc />
    protected override (int Desired, string Reason) Target(AutoscalerObservation observation)
    {
        if (Estimate(observation, out var whyNot) is { } est)
        {
            return PredictiveTarget(observation, est);
        }

        var present = Present(observation);
        return (Math.Max(present, Running(observation)), $"fallback ({whyNot}): queued + running = {present} workers");
    }
}
