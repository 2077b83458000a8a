namespace Foresight.Scheduling.Placement;

/// <summary>
/// What sjf, packing and distribution share: a job ranks as if enqueued <see cref="SchedulingSettings.DelayFor"/> its
/// ranked duration later (capped at <see cref="SchedulingSettings.MaxOrderingDelay"/>, so no job is held back longer),
/// and by default goes to the first matching worker.
/// </summary>
public abstract class PredictionOrderedPolicy(SchedulingSettings settings) : IPlacementPolicy
{
    private readonly FirstFitPolicy _firstFit = new();

    public abstract string Name { get; }

    public bool UsesPredictions => true;

    public SchedulingSettings Settings { get; } = settings ?? throw new ArgumentNullException(nameof(settings));

    public virtual int Choose(JobDemand job, IReadOnlyList<WorkerView> workers) => _firstFit.Choose(job, workers);

    public TimeSpan OrderingDelay(JobDemand job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return Settings.DelayFor(RankedDuration(job));
    }

    /// <summary>The duration the job is ranked by; the predicted median by default, null when unknown.</summary>
    protected virtual TimeSpan? RankedDuration(JobDemand job) => job.PredictedDuration;
}
