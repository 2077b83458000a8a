namespace Foresight.Scheduling.Placement;

/// <summary>
/// Picks the worker for one job. Pure: the same inputs give the same answer. Used by the SchedulerGrain and
/// by the simulator alike.
/// </summary>
public interface IPlacementPolicy
{
    string Name { get; }

    /// <summary>
    /// Returns the index in <paramref name="workers"/> of the worker to run <paramref name="job"/>, or -1 when no
    /// accepting worker has every label of the job and enough free resources.
    /// </summary>
    int Choose(JobDemand job, IReadOnlyList<WorkerView> workers);
}
