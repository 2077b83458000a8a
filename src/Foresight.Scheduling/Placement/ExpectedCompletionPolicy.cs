namespace Foresight.Scheduling.Placement;

/// <summary>
/// 3Sigma-style (Park et al., EuroSys 2018): schedules on the whole predicted distribution instead of a point. The run
/// time is taken as log-normal through the predicted p50 and p90, and jobs are ranked by its mean — the expected
/// completion time each adds to those behind it (Smith's rule, which minimises expected total completion time
/// without preemption). A wide distribution (an uncertain job) ranks later than its median alone would say; how much
/// later is <see cref="SchedulingSettings.UncertaintyWeight"/> (1: the mean). Same aging and cap as sjf; first
/// matching worker.
/// </summary>
public sealed class ExpectedCompletionPolicy(SchedulingSettings settings) : PredictionOrderedPolicy(settings)
{
    public const string PolicyName = "distribution";

    /// <summary>z of the 90 % quantile of the standard normal.</summary>
    private const double Z90 = 1.2815515655446004;

    public override string Name => PolicyName;

    /// <summary>Mean of the log-normal through p50 and p90; the p50 when there is no p90; null when nothing is predicted.</summary>
    public static TimeSpan? ExpectedDuration(JobDemand job) => ExpectedDuration(job, 1);

    /// <summary>
    /// <c>p50 · exp(uncertaintyWeight · σ² / 2)</c> of the log-normal through p50 and p90 (at 1 its mean); the p50 when
    /// there is no p90; null when nothing is predicted.
    /// </summary>
    public static TimeSpan? ExpectedDuration(JobDemand job, double uncertaintyWeight)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.PredictedDuration is not { } p50)
        {
            return null;
        }

        if (job.PredictedDurationP90 is not { } p90 || p50 <= TimeSpan.Zero || p90 <= p50)
        {
            return p50;
        }

        var sigma = Math.Log(p90 / p50) / Z90;
        var mean = p50.TotalSeconds * Math.Exp(Math.Max(0, uncertaintyWeight) * sigma * sigma / 2);
        return TimeSpan.FromSeconds(Math.Min(mean, TimeSpan.FromDays(365).TotalSeconds));
    }

    protected override TimeSpan? RankedDuration(JobDemand job) => ExpectedDuration(job, Settings.UncertaintyWeight);
}
