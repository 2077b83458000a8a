namespace Foresight.Scheduling.Placement;

/// <summary>
/// Picks the worker for one job, and may rank jobs in the queue. Pure: the same inputs give the same answer. Used by
/// the SchedulerGrain and by the simulator alike.
/// </summary>
public interface IPlacementPolicy
{
    string Name { get; }

    /// <summary>True when the policy reads <see cref="JobDemand.PredictedDuration"/> (the owner should estimate it).</summary>
    bool UsesPredictions => false;

    /// <summary>
    /// Returns the index in <paramref name="workers"/> of the worker to run <paramref name="job"/>, or -1 when no
    /// accepting worker has every label of the job and enough free resources.
    /// </summary>
    int Choose(JobDemand job, IReadOnlyList<WorkerView> workers);

    /// <summary>
    /// How much later than its enqueue time the job ranks in the ready queue (non-negative, bounded: it is how long
    /// the policy may hold a job back for others). None by default: priority with aging, FIFO within a priority.
    /// </summary>
    TimeSpan OrderingDelay(JobDemand job) => TimeSpan.Zero;

    /// <summary>
    /// <see cref="OrderingDelay(JobDemand)"/> told how many jobs are already ready in the queue (what
    /// <see cref="PoolScheduler.Enqueue"/> calls); only <c>dqn</c> reads the count.
    /// </summary>
    TimeSpan OrderingDelay(JobDemand job, int queued) => OrderingDelay(job);
}
